/**
 * Re-indenting added lines (reindent.ts, indent-fit.ts): when a hunk's quoted lines are indented
 * differently from the file, its added lines move by the same shift only when that agrees with
 * the file around them better than their own indentation does. A table of reindentHunks (pure),
 * a table of the boundary rule, then planEdit end to end.
 */
import { describe, expect, test } from "bun:test";
import { fits, indentStyle } from "../../src/edits/indent-fit.ts";
import type { LexHunk } from "../../src/edits/lex.ts";
import { reindentHunks } from "../../src/edits/reindent.ts";
import { after, fence, ok, plan } from "../../testing/edits.ts";

/** A hunk from its body lines (" ", "-" or "+" then the text), with no header. */
function hunk(body: string): LexHunk {
  const lines = body.split("\n").map((l) => {
    if (!/^[ +-]/.test(l)) throw new Error(`not a hunk line: ${JSON.stringify(l)}`);
    return { op: l[0] as " " | "-" | "+", text: l.slice(1) };
  });
  return { oldStart: null, oldCount: null, newCount: null, lines, noNewlineOld: false, noNewlineNew: false };
}

const added = (h: LexHunk) => h.lines.filter((l) => l.op === "+").map((l) => l.text);

interface Row {
  name: string;
  file: string;
  /** Each hunk and the file line (0-based) it is placed at. */
  hunks: Array<[string, number]>;
  /** The added lines of each hunk after re-indenting. */
  want: string[][];
}

const IFACE = "export interface Options {\n  retries: number;\n  timeout: number;\n}\n\nexport const x = 1;\n";

const rows: Row[] = [
  {
    name: "context and removed lines shifted, added member at the file's indentation: kept (the old shift put it at column 0)",
    file: IFACE,
    hunks: [["   export interface Options {\n-    retries: number;\n+  retries?: number;\n+  signal: AbortSignal;\n     timeout: number;", 0]],
    want: [["  retries?: number;", "  signal: AbortSignal;"]],
  },
  {
    name: "the whole hunk shifted, added lines too: moved back to the file",
    file: IFACE,
    hunks: [["   export interface Options {\n-    retries: number;\n+    retries?: number;\n+    signal: AbortSignal;\n     timeout: number;", 0]],
    want: [["  retries?: number;", "  signal: AbortSignal;"]],
  },
  {
    name: "de-indented to column 0, added statement at the file's indentation: kept",
    file: "function run() {\n  const a = 1;\n  return a;\n}\n",
    hunks: [[" function run() {\n-const a = 1;\n+  const a = 2;\n+  log(a);\n return a;", 0]],
    want: [["  const a = 2;", "  log(a);"]],
  },
  {
    name: "de-indented to column 0 with the added lines: moved back",
    file: "function run() {\n  const a = 1;\n  return a;\n}\n",
    hunks: [[" function run() {\n-const a = 1;\n+const a = 2;\n+log(a);\n return a;", 0]],
    want: [["  const a = 2;", "  log(a);"]],
  },
  {
    name: "doc comment lines added at the file's indentation, the comment quoted shifted: kept",
    file: "class A {\n  /**\n   * Old text.\n   */\n  run(): void {}\n}\n",
    hunks: [["     /**\n-     * Old text.\n+   * New text.\n+   * More.\n      */", 1]],
    want: [["   * New text.", "   * More."]],
  },
  {
    name: "a case body quoted shifted, its new statements at the file's indentation: kept (two levels out to the switch's brace)",
    file: "switch (k) {\n  case 1:\n    return 'a';\n  default:\n    return 'b';\n}\n",
    hunks: [["     default:\n-      return 'b';\n+    const r = 'b';\n+    return r;\n   }", 3]],
    want: [["    const r = 'b';", "    return r;"]],
  },
  {
    name: "a tie on the lines around (an expression that goes on), settled by the removed line the added one replaces: moved",
    file: "const t =\n  accept\n    .some(isJson)\n    ? ('json' as Kind)\n    : null;\n",
    hunks: [["       .some(isJson)\n-      ? ('json' as Kind)\n+      ? 'json'\n       : null;", 2]],
    want: [["    ? 'json'"]],
  },
  {
    name: "...and the same tie with the added line at the file's indentation: kept",
    file: "const t =\n  accept\n    .some(isJson)\n    ? ('json' as Kind)\n    : null;\n",
    hunks: [["       .some(isJson)\n-      ? ('json' as Kind)\n+    ? 'json'\n       : null;", 2]],
    want: [["    ? 'json'"]],
  },
  {
    name: "one hunk shows the shift in its removed lines, an insertion elsewhere shares it: both kept, judged together",
    file: "export type A = {\n  a: string;\n};\n\nexport type B = {\n  b: string;\n};\n",
    hunks: [
      ["   export type A = {\n-    a: string;\n+  a: number;\n   };", 0],
      ["   export type B = {\n+  c: string;\n     b: string;", 4],
    ],
    want: [["  a: number;"], ["  c: string;"]],
  },
  {
    name: "no shift shown by removed lines: nothing moves",
    file: "function f() {\n  if (a) {\n    go();\n  }\n}\n",
    hunks: [[" function f() {\n if (a) {\n-    go();\n+    stop();\n   }", 0]],
    want: [["    stop();"]],
  },
];

describe("reindentHunks", () => {
  for (const row of rows) {
    test(row.name, () => {
      const texts = row.file.replace(/\n$/, "").split("\n");
      const placed = row.hunks.map(([body, at], k) => ({ k, hunk: hunk(body), at }));
      expect(reindentHunks(placed, texts).map(added)).toEqual(row.want);
    });
  }
});

describe("fits: the step in indentation from one line to the next", () => {
  const style = { unit: 2, tab: 2 };
  const table: Array<[string, string[], boolean]> = [
    ["siblings", ["  a();", "  b();"], true],
    ["one level in after an opening brace", ["  if (x) {", "    a();"], true],
    ["not in after a statement", ["  a();", "    b();"], false],
    ["a statement at the level of the brace it follows", ["  if (x) {", "  a();"], false],
    ["one level out to a closing brace", ["    a();", "  }"], true],
    ["a closing brace at the level of the statement before it", ["    a();", "    }"], false],
    ["out without closing anything", ["    a();", "  b();"], false],
    ["the first line of a continued expression", ["  const x =", "    a + b;"], true],
    ["further items of a list stay at their level", ["  | 'a'", "  | 'b'"], true],
    ["...not one level in", ["  | 'a'", "    | 'b'"], false],
    ["a ternary under its condition", ["  cond", "    ? a"], true],
    ["out of a continued expression", ["  const x =", "    a", "  next();"], true],
    ["case labels in a row", ["  case 1:", "  case 2:"], true],
    ["a case body", ["  case 1:", "    go();"], true],
    ["from a case body to the end of the switch", ["  case 1:", "    go();", "}"], true],
    ["a chain of && stays at its level", ["  if (", "    a &&", "    b"], true],
    ["...as its first line may, after a binary operator", ["  return a &&", "  b;"], true],
    ["but not after an assignment", ["  const x =", "  a;"], false],
    ["type parameters under their <", ["export function f<", "  T extends string,"], true],
    ["the body of an if without braces", ["  if (done)", "    return;"], true],
    ["a doc comment under its opener", ["  /**", "   * text"], true],
    ["a doc comment one level in", ["  /**", "     * text"], false],
  ];
  for (const [name, lines, want] of table) {
    test(name, () => {
      expect(fits(lines, lines.length - 1, style)).toBe(want);
    });
  }

  test("the file's step: two spaces, four spaces, or tabs", () => {
    expect(indentStyle(["a {", "  b", "}"]).unit).toBe(2);
    expect(indentStyle(["a {", "    b {", "        c", "    }", "}"]).unit).toBe(4);
    expect(indentStyle(["a {", "\tb", "}"])).toEqual({ unit: 1, tab: 1 });
  });
});

describe("planEdit: re-indenting", () => {
  test("an interface member added at the file's indentation under shifted context lands where the model wrote it", async () => {
    const reply = fence(`--- a/src/o.ts\n+++ b/src/o.ts\n@@ -1,4 +1,5 @@\n   export interface Options {\n-    retries: number;\n+  retries?: number;\n+  signal: AbortSignal;\n     timeout: number;\n   }\n`);
    const p = ok(await plan({ reply, files: { "src/o.ts": IFACE } }));
    expect(after(p, "src/o.ts")).toBe(IFACE.replace("  retries: number;\n", "  retries?: number;\n  signal: AbortSignal;\n"));
  });

  test("a statement written at the file's indentation under de-indented context stays there", async () => {
    const file = "export function run() {\n  const a = 1;\n  return a;\n}\n";
    const reply = fence(`--- a/src/r.ts\n+++ b/src/r.ts\n@@\nexport function run() {\n-const a = 1;\n+  const a = 2;\nreturn a;\n`);
    const p = ok(await plan({ reply, files: { "src/r.ts": file } }));
    expect(after(p, "src/r.ts")).toBe(file.replace("const a = 1;", "const a = 2;"));
  });
});
