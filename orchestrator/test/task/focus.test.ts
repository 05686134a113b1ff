import { expect, test } from "bun:test";
import { mergeFocus, retryFocus } from "../../src/task/focus.ts";
import type { Diagnostic } from "../../src/verify/diagnostics/diagnostic.ts";

const before = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
const diag = (file: string, line: number): Diagnostic => ({ tool: "tsc", file, line, col: 1, code: "TS2322", message: "x", severity: "error", raw: "" });

test("a retry's focus: the lines the edit replaced, and its errors mapped back to the lines before the edit", () => {
  // Two lines inserted after line 10, line 30 replaced by three lines.
  const lines = before.split("\n");
  lines.splice(29, 1, "new a", "new b", "new c");
  lines.splice(10, 0, "added 1", "added 2");
  const after = lines.join("\n");
  const focus = retryFocus([{ path: "a.ts", before, after }], [diag("a.ts", 5), diag("a.ts", 12), diag("a.ts", 25), diag("a.ts", 33), diag("b.ts", 7)]);
  expect(focus.get("a.ts")).toEqual([
    { start: 10, end: 11 }, // the insertion, between lines 10 and 11
    { start: 30, end: 30 }, // the replaced line
    { start: 5, end: 5 }, // before any edit: the same line
    { start: 10, end: 11 }, // inside the inserted lines: where they went
    { start: 23, end: 23 }, // after the insertion: two lines up
    { start: 30, end: 30 }, // inside the replacement: the line it replaced
  ]);
  expect(focus.get("b.ts")).toEqual([{ start: 7, end: 7 }]); // an owned file the edit left alone
});

test("a file the attempt created has no lines to go back to", () => {
  expect(retryFocus([{ path: "new.ts", before: null, after: "x\n" }], [diag("new.ts", 1)]).size).toBe(0);
});

test("mergeFocus joins file by file", () => {
  const a = new Map([["a.ts", [{ start: 1, end: 2 }]]]);
  const b = new Map([["a.ts", [{ start: 9, end: 9 }]], ["b.ts", [{ start: 3, end: 3 }]]]);
  expect(mergeFocus(a, b)).toEqual(new Map([["a.ts", [{ start: 1, end: 2 }, { start: 9, end: 9 }]], ["b.ts", [{ start: 3, end: 3 }]]]));
  expect(mergeFocus(undefined, undefined)).toBeUndefined();
});
