/**
 * planEdit end to end: the strict path (real GNU patch), every perturbation kind the tolerant
 * applier must cope with, and finding the edit in a reply. Whole files, line endings and
 * multi-file edits are in plan-files.test.ts, refusals in plan-refusals.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { after, fence, numbered, ok, plan, refuseStrict } from "../../testing/edits.ts";
import { MATH_CLEAN as CLEAN, MATH_PATH as P, MATH_SRC as SRC, MATH_WANT as WANT } from "../../testing/edits.ts";

describe("strict path (real patch)", () => {
  test("a clean diff is applied by patch and reported strict", async () => {
    const p = ok(await plan({ reply: fence(CLEAN), files: { [P]: SRC } }));
    expect(p.strategy).toBe("strict");
    expect(after(p, P)).toBe(WANT);
    expect(p.linesChanged).toBe(2);
    expect(p.diff).toContain("--- a/src/math.ts\n+++ b/src/math.ts\n");
    expect(p.diff).toContain("-  if (items.length === 0) {\n+  if (items.length < 1) {\n");
  });

  test("a hunk patch would only apply at an offset goes to the tolerant applier", async () => {
    const shifted = CLEAN.replace("@@ -9,7 +9,7 @@", "@@ -3,7 +3,7 @@");
    const p = ok(await plan({ reply: fence(shifted), files: { [P]: SRC } }));
    expect(p.strategy).toBe("tolerant");
    expect(after(p, P)).toBe(WANT);
  });

  test("the injected strict applier gets the normalised diff and the touched files only", async () => {
    const seen: { diff: string; files: string[] }[] = [];
    const p = ok(
      await plan({
        reply: fence(CLEAN.replaceAll("a/src/", "src/").replaceAll("b/src/", "src/").replace("@@ -9,7 +9,7 @@", "@@ -3,9 +3,2 @@")),
        files: { [P]: SRC, "src/other.ts": "x\n" },
        applyStrict: async (diff, files) => {
          seen.push({ diff, files: [...files.keys()] });
          return null;
        },
      }),
    );
    expect(p.strategy).toBe("tolerant");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.files).toEqual([P]);
    expect(seen[0]!.diff).toStartWith("--- a/src/math.ts\n+++ b/src/math.ts\n@@ -3,7 +3,7 @@\n");
  });

  test("hunks without line numbers never go to the strict applier (patch would try line 1)", async () => {
    let calls = 0;
    const p = ok(
      await plan({
        reply: fence(CLEAN.replace("@@ -9,7 +9,7 @@", "@@")),
        files: { [P]: SRC },
        applyStrict: async () => {
          calls++;
          return null;
        },
      }),
    );
    expect(calls).toBe(0);
    expect(p.strategy).toBe("tolerant");
  });

  test("a strict result is used as returned", async () => {
    const p = ok(await plan({ reply: fence(CLEAN), files: { [P]: SRC }, applyStrict: async () => new Map([[P, "hello\n"]]) }));
    expect(p.strategy).toBe("strict");
    expect(after(p, P)).toBe("hello\n");
  });
});

describe("tolerant applier: perturbations", () => {
  const cases: Record<string, string> = {
    "wrong line numbers": CLEAN.replace("@@ -9,7 +9,7 @@", "@@ -40,7 +42,7 @@"),
    "bare @@": CLEAN.replace("@@ -9,7 +9,7 @@", "@@"),
    "@@ @@": CLEAN.replace("@@ -9,7 +9,7 @@", "@@ @@"),
    "@@ ... @@ with a section name": CLEAN.replace("@@ -9,7 +9,7 @@", "@@ ... @@ export function average"),
    "wrong counts": CLEAN.replace("@@ -9,7 +9,7 @@", "@@ -9,12 +9,3 @@"),
    "no a/ b/ prefix": CLEAN.replace("a/src/math.ts", "src/math.ts").replace("b/src/math.ts", "src/math.ts"),
    "another prefix": CLEAN.replace("a/src/math.ts", "orig/src/math.ts").replace("b/src/math.ts", "new/src/math.ts"),
    "./ prefix": CLEAN.replace("a/src/math.ts", "./src/math.ts").replace("b/src/math.ts", "./src/math.ts"),
    "basename only": CLEAN.replace("a/src/math.ts", "math.ts").replace("b/src/math.ts", "math.ts"),
    "no file headers": CLEAN.split("\n").slice(2).join("\n"),
    "blank context line without its space": CLEAN.replace("\n \n", "\n\n"),
    "context indentation differs": CLEAN.replace("     return 0;", "   return 0;").replace(" export function average", "   export function average"),
    "context trailing whitespace differs": CLEAN.replace("   return 0;\n", "   return 0;   \n").replace(" }\n \n", " }\t\n \n"),
    "one context line": `--- a/src/math.ts\n+++ b/src/math.ts\n@@ -12,3 +12,3 @@\n export function average(items: number[]): number {\n-  if (items.length === 0) {\n+  if (items.length < 1) {\n     return 0;\n`,
    "no context below": `--- a/src/math.ts\n+++ b/src/math.ts\n@@\n export function average(items: number[]): number {\n-  if (items.length === 0) {\n+  if (items.length < 1) {\n`,
    "CRLF diff": CLEAN.replaceAll("\n", "\r\n"),
    "context line without its leading space": CLEAN.replace(" export function average", "export function average"),
  };
  for (const [name, diff] of Object.entries(cases)) {
    test(name, async () => {
      const p = ok(await plan({ reply: fence(diff), files: { [P]: SRC } }));
      expect(after(p, P)).toBe(WANT);
    });
  }

  test("several hunks in any order", async () => {
    const file = numbered(40);
    const diff = `--- a/f.txt
+++ b/f.txt
@@ -30,3 +30,3 @@
 line 30
-line 31
+LINE 31
 line 32
@@ -5,3 +5,4 @@
 line 5
 line 6
+inserted
 line 7
`;
    const p = ok(await plan({ reply: fence(diff), files: { "f.txt": file } }));
    expect(after(p, "f.txt")).toBe(file.replace("line 31\n", "LINE 31\n").replace("line 6\n", "line 6\ninserted\n"));
  });

  test("hunks whose context overlaps but whose changes do not", async () => {
    const file = numbered(12);
    const diff = `@@ -2,5 +2,5 @@
 line 2
-line 3
+LINE 3
 line 4
 line 5
 line 6
@@ -4,5 +4,5 @@
 line 4
 line 5
 line 6
-line 7
+LINE 7
 line 8
`;
    const p = ok(await plan({ reply: fence(diff), files: { "f.txt": file }, applyStrict: refuseStrict }));
    expect(after(p, "f.txt")).toBe(file.replace("line 3\n", "LINE 3\n").replace("line 7\n", "LINE 7\n"));
  });

  test("a hunk sent twice is applied once", async () => {
    const hunk = `@@ -3,3 +3,3 @@\n line 3\n-line 4\n+LINE 4\n line 5\n`;
    const p = ok(await plan({ reply: fence(`--- a/f.txt\n+++ b/f.txt\n${hunk}${hunk}`), files: { "f.txt": numbered(10) } }));
    expect(after(p, "f.txt")).toBe(numbered(10).replace("line 4\n", "LINE 4\n"));
  });

  test("a hunk shifted as a whole is re-indented to the file", async () => {
    const file = "class A {\n  run() {\n    const x = 1;\n    return x;\n  }\n}\n";
    const diff = `@@\n run() {\n-  const x = 1;\n+  const x = 2;\n+  log(x);\n   return x;\n`;
    const p = ok(await plan({ reply: fence(diff), files: { "a.ts": file } }));
    expect(after(p, "a.ts")).toBe("class A {\n  run() {\n    const x = 2;\n    log(x);\n    return x;\n  }\n}\n");
  });

  test("added lines keep their own indentation when only some context lines drift", async () => {
    const file = "function f() {\n  if (a) {\n    go();\n  }\n}\n";
    const diff = `@@\n function f() {\n if (a) {\n-    go();\n+    stop();\n   }\n`;
    const p = ok(await plan({ reply: fence(diff), files: { "f.ts": file } }));
    expect(after(p, "f.ts")).toBe("function f() {\n  if (a) {\n    stop();\n  }\n}\n");
  });
});

describe("reply extraction", () => {
  test("```patch block", async () => {
    expect(after(await plan({ reply: fence(CLEAN, "patch"), files: { [P]: SRC } }), P)).toBe(WANT);
  });
  test("unfenced diff with prose around it, including a bullet list after", async () => {
    const reply = `Sure, here is the fix:\n\n${CLEAN}\nThis changes the check.\n- it is shorter\n- same behaviour\n`;
    expect(after(await plan({ reply, files: { [P]: SRC } }), P)).toBe(WANT);
  });
  test("unfenced diff followed by a blank line and a '- …' bullet list", async () => {
    const reply = `Here you go:\n\n${CLEAN}\n- changed the emptiness check\n- kept the rest\n`;
    const p = ok(await plan({ reply, files: { [P]: SRC } }));
    expect(after(p, P)).toBe(WANT);
  });

  test("several fenced blocks with prose between are concatenated", async () => {
    const file = numbered(30);
    const reply = `First:\n${fence("--- a/f.txt\n+++ b/f.txt\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+LINE 3\n line 4\n")}\nThen further down:\n\n${fence("@@ -20,3 +20,3 @@\n line 20\n-line 21\n+LINE 21\n line 22\n")}\nDone.`;
    const p = ok(await plan({ reply, files: { "f.txt": file, "g.txt": "g\n" } }));
    expect(after(p, "f.txt")).toBe(file.replace("line 3\n", "LINE 3\n").replace("line 21\n", "LINE 21\n"));
  });
  test("a diff inside a ```ts block is still a diff", async () => {
    expect(after(await plan({ reply: fence(CLEAN, "ts"), files: { [P]: SRC } }), P)).toBe(WANT);
  });
  test("```diff src/x.ts with bare hunks uses the label as the file", async () => {
    const reply = fence(`@@\n   if (items.length === 0) {\n-    return 0;\n+    return NaN;\n   }\n`, `diff ${P}`);
    const p = ok(await plan({ reply, files: { [P]: SRC, "src/b.ts": "b\n" } }));
    expect(after(p, P)).toBe(SRC.replace("return 0;", "return NaN;"));
  });
  test("a headerless ```diff of bare +/- lines", async () => {
    const reply = fence(` export function average(items: number[]): number {\n-  if (items.length === 0) {\n+  if (items.length < 1) {\n`);
    expect(after(await plan({ reply, files: { [P]: SRC } }), P)).toBe(WANT);
  });
  test("an ordinary code block next to a diff is ignored", async () => {
    const reply = `${fence(CLEAN)}\nUsage:\n\`\`\`ts\naverage([1, 2]);\n\`\`\`\n`;
    expect(after(await plan({ reply, files: { [P]: SRC } }), P)).toBe(WANT);
  });
});
