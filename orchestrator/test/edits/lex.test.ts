/** lexDiff: the forgiving reader for the unified diffs small models write. */
import { describe, expect, test } from "bun:test";
import { lexDiff } from "../../src/edits/lex.ts";

describe("lexDiff", () => {
  test("counts in headers are ignored; line numbers kept as hints", () => {
    const [f] = lexDiff("--- a/x\n+++ b/x\n@@ -10,99 +12,1 @@ fn\n a\n-b\n+c\n", { fenced: true, allowHeaderless: false });
    expect(f!.hunks[0]!.oldStart).toBe(10);
    expect(f!.hunks[0]!.lines).toEqual([
      { op: " ", text: "a" },
      { op: "-", text: "b" },
      { op: "+", text: "c" },
    ]);
  });

  test("blank lines inside a hunk are context, trailing blank lines are not", () => {
    const [f] = lexDiff("@@\n a\n\n-b\n+c\n\n\n", { fenced: true, allowHeaderless: false });
    expect(f!.hunks[0]!.lines.map((l) => l.op + l.text)).toEqual([" a", " ", "-b", "+c"]);
  });

  test("a removed line starting with '-- ' is not a file header", () => {
    const [f] = lexDiff("--- a/x.sql\n+++ b/x.sql\n@@ -1,2 +1,2 @@\n--- comment\n+-- note\n select 1;\n", { fenced: true, allowHeaderless: false });
    expect(f!.hunks[0]!.lines.map((l) => l.op + l.text)).toEqual(["--- comment", "+-- note", " select 1;"]);
  });

  test("timestamps after the path are dropped", () => {
    const [f] = lexDiff("--- x.ts\t2024-01-01 00:00:00\n+++ x.ts\t2024-01-02 00:00:00\n@@\n-a\n+b\n", { fenced: true, allowHeaderless: false });
    expect([f!.oldPath, f!.newPath]).toEqual(["x.ts", "x.ts"]);
  });
});
