import { describe, expect, test } from "bun:test";
import type { Declaration } from "../../../src/source/outline.ts";
import { findPoints } from "../../../src/executor/excerpts/points.ts";
import { EXCERPT_LEVELS, mergeRanges, selectOutline, selectRegions } from "../../../src/executor/excerpts/regions.ts";
import { descriptionTerms } from "../../../src/executor/excerpts/terms.ts";

const decl = (name: string, line: number, endLine: number, kind: Declaration["kind"] = "function", depth = 0): Declaration => ({
  name,
  kind,
  exported: false,
  line,
  endLine,
  depth,
  text: name,
});

// A 1000-line file: imports, a small function, a big class with a member, a test, the end.
const OUTLINE = [
  decl("imports", 1, 10, "imports"),
  decl("formatDate", 20, 40),
  decl("Store", 100, 700, "class"),
  decl("save", 300, 320, "member", 1),
  decl('test("parses dates")', 800, 830, "call"),
];
const LINES = Array.from({ length: 1000 }, (_, i) => (i === 499 ? "  const total = computeTotal(items)" : `line ${i + 1}`));

function regions(description: string, levelIndex: number, extra: { errorLines?: number[]; focus?: Array<{ start: number; end: number }> } = {}) {
  const level = EXCERPT_LEVELS[levelIndex]!;
  const points = findPoints(
    { terms: descriptionTerms(description), lines: LINES, outline: OUTLINE, errorLines: extra.errorLines ?? [], focus: extra.focus ?? [] },
    level.perTerm,
  );
  return selectRegions(points, OUTLINE, LINES.length, level);
}

describe("what an excerpt shows", () => {
  test("a named function whole, the imports and the end of the file", () => {
    expect(regions("make formatDate return ISO dates", 0)).toEqual([
      { start: 1, end: 10 },
      { start: 19, end: 41 },
      { start: 996, end: 1000 },
    ]);
  });

  test("a quoted test title: the whole test", () => {
    expect(regions('fix the test "parses dates"', 1)).toContainEqual({ start: 799, end: 831 });
  });

  test("a code word where it occurs, inside the smallest declaration that holds it, or with context when that is too big", () => {
    // Line 500 is inside Store (601 lines: too big to show whole), so context lines go around it.
    expect(regions("call computeTotal() once", 0)).toContainEqual({ start: 488, end: 512 });
    expect(regions("call computeTotal() once", 3)).toEqual([]); // level 3 keeps only priority 0 and 1
  });

  test("a baseline error inside a member: the member whole; a retry's focus first", () => {
    expect(regions("fix it", 1, { errorLines: [310] })).toContainEqual({ start: 299, end: 321 });
    expect(regions("fix it", 3, { focus: [{ start: 650, end: 655 }] })).toEqual([{ start: 648, end: 657 }]);
  });

  test("many baseline errors fill the places, but never crowd out the imports and the end of the file", () => {
    const errorLines = Array.from({ length: 54 }, (_, i) => 120 + 10 * i); // inside Store, 10 lines apart
    const shown = regions("fix it", 0, { errorLines });
    expect(shown[0]).toEqual({ start: 1, end: 10 });
    expect(shown.at(-1)).toEqual({ start: 996, end: 1000 });
    // The places are still capped: the level's first 40 errors (with their context lines), not the last ones.
    const isShown = (line: number) => shown.some((r) => r.start <= line && line <= r.end);
    expect(errorLines.slice(0, EXCERPT_LEVELS[0]!.maxPoints).every(isShown)).toBe(true);
    expect(errorLines.slice(-10).some(isShown)).toBe(false);
  });

  test("nearby excerpts are shown as one", () => {
    expect(mergeRanges([{ start: 10, end: 20 }, { start: 25, end: 30 }, { start: 40, end: 41 }], 4)).toEqual([
      { start: 10, end: 30 },
      { start: 40, end: 41 },
    ]);
  });
});

test("a long outline keeps its top level first", () => {
  const many = Array.from({ length: 300 }, (_, i) => decl(`m${i}`, i + 2, i + 2, "member", 1));
  const { entries, left } = selectOutline([decl("Big", 1, 400, "class"), ...many], EXCERPT_LEVELS[1]!);
  expect(entries.map((d) => d.name)).toEqual(["Big"]);
  expect(left).toBe(300);
});
