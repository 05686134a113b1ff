/**
 * planEdit end to end: every perturbation kind the tolerant applier must cope with, the strict
 * path (real GNU patch), line endings, multi-file and new files. Refusals are in refuse.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { WHOLE_FILE_MAX_LINES } from "../../src/edits/plan.ts";
import { after, fence, numbered, ok, plan, refuseStrict } from "../../testing/edits.ts";

const SRC = `import { a } from "./a";

export function total(items: number[]): number {
  let sum = 0;
  for (const item of items) {
    sum += item;
  }
  return sum;
}

export function average(items: number[]): number {
  if (items.length === 0) {
    return 0;
  }
  return total(items) / items.length;
}
`;
const P = "src/math.ts";
const WANT = SRC.replace("if (items.length === 0) {", "if (items.length < 1) {");

const CLEAN = `--- a/src/math.ts
+++ b/src/math.ts
@@ -9,7 +9,7 @@
 }
 
 export function average(items: number[]): number {
-  if (items.length === 0) {
+  if (items.length < 1) {
     return 0;
   }
   return total(items) / items.length;
`;

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

describe("whole-file replies", () => {
  const labels: Record<string, string> = {
    "```ts path": `Here it is:\n\`\`\`ts ${P}\n${WANT}\`\`\`\n`,
    "```path": `\`\`\`${P}\n${WANT}\`\`\`\n`,
    "```ts title=path": `\`\`\`ts title="${P}"\n${WANT}\`\`\`\n`,
    "path line before": `${P}\n\`\`\`ts\n${WANT}\`\`\`\n`,
    "`path`: before": `Updated:\n\n\`${P}\`:\n\`\`\`typescript\n${WANT}\`\`\`\n`,
    "**path** before": `**${P}**\n\`\`\`ts\n${WANT}\`\`\`\n`,
    "### path before": `### ${P}\n\`\`\`ts\n${WANT}\`\`\`\n`,
    "File: path before": `File: ${P}\n\`\`\`ts\n${WANT}\`\`\`\n`,
  };
  for (const [name, reply] of Object.entries(labels)) {
    test(name, async () => {
      const p = ok(await plan({ reply, files: { [P]: SRC } }));
      expect(p.strategy).toBe("whole-file");
      expect(after(p, P)).toBe(WANT);
      expect(p.linesChanged).toBe(2);
      expect(p.diff).toContain("+  if (items.length < 1) {");
    });
  }

  test("a whole file for a CRLF file without final newline keeps both", async () => {
    const crlf = SRC.replaceAll("\n", "\r\n").replace(/\r\n$/, "");
    const p = ok(await plan({ reply: `\`\`\`ts ${P}\n${WANT}\`\`\`\n`, files: { [P]: crlf } }));
    expect(after(p, P)).toBe(WANT.replaceAll("\n", "\r\n").replace(/\r\n$/, ""));
  });

  test("a whole new file", async () => {
    const p = ok(await plan({ reply: `\`\`\`ts src/new.ts\nexport const x = 1;\n\`\`\`\n`, files: { "src/new.ts": null } }));
    expect(p.changes).toEqual([{ path: "src/new.ts", before: null, after: "export const x = 1;\n" }]);
  });

  test(`files over WHOLE_FILE_MAX_LINES (${WHOLE_FILE_MAX_LINES}) must be answered with a diff`, async () => {
    const big = numbered(WHOLE_FILE_MAX_LINES + 1);
    const p = await plan({ reply: `\`\`\`txt big.txt\n${big.replace("line 7\n", "LINE 7\n")}\`\`\`\n`, files: { "big.txt": big } });
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reason).toBe("too_large");
      expect(p.detail).toContain("unified diff");
    }
  });

  test("a diff and a whole new file in one reply", async () => {
    const reply = `${fence(CLEAN)}\nAnd the new helper:\n\n\`\`\`ts src/helper.ts\nexport const h = 1;\n\`\`\`\n`;
    const p = ok(await plan({ reply, files: { [P]: SRC, "src/helper.ts": null } }));
    expect(after(p, P)).toBe(WANT);
    expect(after(p, "src/helper.ts")).toBe("export const h = 1;\n");
  });
});

describe("line endings and final newline", () => {
  test("CRLF file with an LF diff keeps CRLF everywhere, including added lines", async () => {
    const crlf = SRC.replaceAll("\n", "\r\n");
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = ok(await plan({ reply: fence(CLEAN), files: { [P]: crlf }, ...(applyStrict ? { applyStrict } : {}) }));
      expect(after(p, P)).toBe(WANT.replaceAll("\n", "\r\n"));
    }
  });

  test("CRLF file: a diff that inserts lines gets CRLF on them", async () => {
    const crlf = "a\r\nb\r\nc\r\n";
    const p = ok(await plan({ reply: fence("@@\n a\n+x\n+y\n b\n"), files: { "f.txt": crlf } }));
    expect(after(p, "f.txt")).toBe("a\r\nx\r\ny\r\nb\r\nc\r\n");
  });

  test("mixed line endings: untouched lines keep theirs", async () => {
    const mixed = "a\r\nb\nc\r\nd\r\n";
    const p = ok(await plan({ reply: fence("@@\n b\n-c\n+C\n d\n"), files: { "f.txt": mixed } }));
    expect(after(p, "f.txt")).toBe("a\r\nb\nC\r\nd\r\n");
  });

  test("a file without final newline stays without one (edit at the end, no marker in the diff)", async () => {
    const file = "one\ntwo\nthree";
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = ok(await plan({ reply: fence("--- a/f.txt\n+++ b/f.txt\n@@ -2,2 +2,3 @@\n two\n-three\n+THREE\n+four\n"), files: { "f.txt": file }, ...(applyStrict ? { applyStrict } : {}) }));
      expect(after(p, "f.txt")).toBe("one\ntwo\nTHREE\nfour");
    }
  });

  test("a file with a final newline keeps it", async () => {
    const p = ok(await plan({ reply: fence("@@\n two\n-three\n+THREE\n"), files: { "f.txt": "one\ntwo\nthree\n" } }));
    expect(after(p, "f.txt")).toBe("one\ntwo\nTHREE\n");
  });

  test("an explicit '\\ No newline at end of file' marker is honoured", async () => {
    const diff = "--- a/f.txt\n+++ b/f.txt\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n\\ No newline at end of file\n";
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = ok(await plan({ reply: fence(diff), files: { "f.txt": "one\ntwo\nthree\n" }, ...(applyStrict ? { applyStrict } : {}) }));
      expect(after(p, "f.txt")).toBe("one\ntwo\nTHREE");
    }
  });
});

describe("multi-file, new and deleted files", () => {
  test("two files in one diff", async () => {
    const diff = `--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n line 1\n-line 2\n+LINE 2\n line 3\n--- a/b.txt\n+++ b/b.txt\n@@ -1,2 +1,2 @@\n-line 1\n+LINE 1\n line 2\n`;
    const p = ok(await plan({ reply: fence(diff), files: { "a.txt": numbered(5), "b.txt": numbered(5) } }));
    expect(p.strategy).toBe("strict");
    expect(after(p, "a.txt")).toBe(numbered(5).replace("line 2\n", "LINE 2\n"));
    expect(after(p, "b.txt")).toBe(numbered(5).replace("line 1\n", "LINE 1\n"));
  });

  test("git-style diff with diff --git and index lines", async () => {
    const diff = `diff --git a/a.txt b/a.txt\nindex 83db48f..bf269f4 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n line 1\n-line 2\n+LINE 2\n line 3\n`;
    expect(after(await plan({ reply: fence(diff), files: { "a.txt": numbered(5) } }), "a.txt")).toBe(numbered(5).replace("line 2\n", "LINE 2\n"));
  });

  test("new file with --- /dev/null (strict and tolerant)", async () => {
    const diff = `--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,2 @@\n+export const a = 1;\n+export const b = 2;\n`;
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = ok(await plan({ reply: fence(diff), files: { "src/new.ts": null }, ...(applyStrict ? { applyStrict } : {}) }));
      expect(p.changes).toEqual([{ path: "src/new.ts", before: null, after: "export const a = 1;\nexport const b = 2;\n" }]);
      expect(p.diff).toStartWith("--- /dev/null\n+++ b/src/new.ts\n");
    }
  });

  test("new file with a/ b/ headers and an all-+ hunk", async () => {
    const p = ok(await plan({ reply: fence(`--- a/src/new.ts\n+++ b/src/new.ts\n@@\n+export const a = 1;\n`), files: { "src/new.ts": null } }));
    expect(after(p, "src/new.ts")).toBe("export const a = 1;\n");
  });

  test("new file with git 'new file mode' header", async () => {
    const diff = `diff --git a/n.ts b/n.ts\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/n.ts\n@@ -0,0 +1 @@\n+x\n`;
    expect(after(await plan({ reply: fence(diff), files: { "n.ts": null } }), "n.ts")).toBe("x\n");
  });

  test("file deletion with +++ /dev/null", async () => {
    const diff = `--- a/old.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-line 1\n-line 2\n`;
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = ok(await plan({ reply: fence(diff), files: { "old.txt": numbered(2) }, ...(applyStrict ? { applyStrict } : {}) }));
      expect(p.changes).toEqual([{ path: "old.txt", before: numbered(2), after: null }]);
    }
  });
});
