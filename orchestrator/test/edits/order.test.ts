/**
 * Choosing between repeated matches by the order of a file's hunks: placeByOrder on its own (a
 * table), then planEdit on replies whose hunk headers say nothing.
 */
import { describe, expect, test } from "bun:test";
import { placeByOrder } from "../../src/edits/order.ts";
import { after, fence, ok, plan, refused, refuseStrict } from "../../testing/edits.ts";

describe("placeByOrder", () => {
  // A hunk placed for sure (one candidate) comes back at its own start whenever order is consistent.
  const table: Array<[string, (number[] | null)[], (number | null)[]]> = [
    ["the hunks before and after leave one of three", [[10], [5, 30, 80], [60]], [10, 30, 60]],
    ["a hunk after all the others: two matches after it, not settled", [[10], [5, 20, 40]], [10, null]],
    ["...but settled when only one match comes after the one before it", [[30], [5, 20, 40]], [30, 40]],
    ["a hunk before all the others takes the one match before them", [[5, 20, 40], [10]], [5, 10]],
    ["two matches between the neighbours: not settled", [[10], [30, 50], [60]], [10, null, 60]],
    ["a hunk that is not placed says nothing", [[10], [30, 50], null, [90]], [10, null, null, 90]],
    ["two repeated hunks that pin each other", [[10, 50], [5, 20]], [10, 20]],
    ["two repeated hunks that do not", [[10, 50], [20, 60]], [null, null]],
    ["one hunk alone: order says nothing", [[3, 9]], [null]],
    ["hunks placed for sure out of file order: order settles nothing", [[60], [30, 80], [10]], [null, null, null]],
    ["no in-order placement at all", [[10], [5]], [null, null]],
    ["no hunks", [], []],
  ];
  for (const [name, candidates, want] of table) {
    test(name, () => {
      expect(placeByOrder(candidates)).toEqual(want);
    });
  }
});

// `return value;` + `}` occurs three times; the lines around each occurrence are unique.
const FILE = `export function first(value: number): number {
  const a = value + 1;
  return value;
}

export function second(value: number): number {
  const b = value + 2;
  return value;
}

export function third(value: number): number {
  const c = value + 3;
  return value;
}
`;
const P = "src/f.ts";
const H_FIRST = `@@\n export function first(value: number): number {\n-  const a = value + 1;\n+  const a = value + 10;\n`;
const H_REPEATED = `@@\n-  return value;\n+  return value * 2;\n }\n`;
const H_SECOND = `@@\n export function second(value: number): number {\n-  const b = value + 2;\n+  const b = value + 20;\n`;
const H_THIRD = `@@\n export function third(value: number): number {\n-  const c = value + 3;\n+  const c = value + 30;\n`;
const diff = (...hunks: string[]) => fence(`--- a/${P}\n+++ b/${P}\n${hunks.join("")}`);

describe("planEdit: order of the hunks", () => {
  test("a repeated hunk between two placed hunks goes to the one match between them", async () => {
    const p = ok(await plan({ reply: diff(H_FIRST, H_REPEATED, H_SECOND), files: { [P]: FILE } }));
    const want = FILE.replace("value + 1;", "value + 10;").replace("value + 2;", "value + 20;").replace("  return value;\n}\n\nexport function second", "  return value * 2;\n}\n\nexport function second");
    expect(after(p, P)).toBe(want);
  });

  test("after the last placed hunk, when only one match follows it", async () => {
    const p = ok(await plan({ reply: diff(H_SECOND, H_REPEATED), files: { [P]: FILE.replace(/\nexport function third[^]*$/, "") } }));
    expect(after(p, P)).toContain("  const b = value + 20;\n  return value * 2;\n}\n");
    expect(after(p, P)).toContain("  const a = value + 1;\n  return value;\n}\n");
  });

  test("wrong line numbers in the headers: order still settles it", async () => {
    const withNumbers = diff(H_FIRST.replace("@@", "@@ -40,2 +40,2 @@"), H_REPEATED.replace("@@", "@@ -2,2 +2,2 @@"), H_SECOND.replace("@@", "@@ -50,2 +50,2 @@"));
    const p = ok(await plan({ reply: withNumbers, files: { [P]: FILE } }));
    expect(after(p, P)).toContain("  const b = value + 20;\n  return value;\n}\n\nexport function third");
    expect(after(p, P)).toContain("  const a = value + 10;\n  return value * 2;\n}\n");
  });

  test("refused when two matches lie between the neighbours", async () => {
    const r = refused(await plan({ reply: diff(H_FIRST, H_REPEATED, H_THIRD), files: { [P]: FILE } }), "hunk_ambiguous");
    expect(r.detail).toContain("hunk 2 of 3");
    expect(r.detail).toContain("appear 3 times");
  });

  test("refused when the repeated hunk is the only one", async () => {
    refused(await plan({ reply: diff(H_REPEATED), files: { [P]: FILE } }), "hunk_ambiguous");
  });

  test("refused when the placed hunks are out of file order (the reply does not keep order)", async () => {
    refused(await plan({ reply: diff(H_SECOND, H_REPEATED, H_FIRST), files: { [P]: FILE } }), "hunk_ambiguous");
  });

  test("one change at two places that look alike: two equal hunks, each placed by order", async () => {
    const p = ok(await plan({ reply: diff(H_FIRST, H_REPEATED, H_SECOND, H_REPEATED, H_THIRD), files: { [P]: FILE } }));
    const want = FILE.replace("value + 1;", "value + 10;")
      .replace("value + 2;", "value + 20;")
      .replace("value + 3;", "value + 30;")
      .replace(/ {2}return value;\n\}\n\nexport function second/, "  return value * 2;\n}\n\nexport function second")
      .replace(/ {2}return value;\n\}\n\nexport function third/, "  return value * 2;\n}\n\nexport function third");
    expect(after(p, P)).toBe(want);
  });

  test("equal hunks whose headers name different lines are two changes", async () => {
    const file = "a\nx\nb\nmid\na\nx\nb\n";
    const reply = fence("--- a/t.txt\n+++ b/t.txt\n@@ -1,3 +1,3 @@\n a\n-x\n+X\n b\n@@ -5,3 +5,3 @@\n a\n-x\n+X\n b\n");
    const p = ok(await plan({ reply, files: { "t.txt": file }, applyStrict: refuseStrict }));
    expect(after(p, "t.txt")).toBe("a\nX\nb\nmid\na\nX\nb\n");
  });
});
