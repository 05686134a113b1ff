/**
 * planEdit end to end: whole-file replies, line endings and the final newline, multi-file, new
 * and deleted files, and that planning never touches the workspace.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WHOLE_FILE_MAX_LINES } from "../../src/edits/limits.ts";
import { planEdit } from "../../src/edits/plan.ts";
import { after, fence, numbered, ok, plan, refuseStrict } from "../../testing/edits.ts";
import { MATH_CLEAN as CLEAN, MATH_PATH as P, MATH_SRC as SRC, MATH_WANT as WANT } from "../../testing/edits.ts";

test("a diff whose headers git quoted (a path with non-ASCII bytes, core.quotePath) lands on the owned file", async () => {
  const file = "src/ü/ß.ts";
  const q = '"a/src/\\303\\274/\\303\\237.ts"';
  const reply = `Here:\n\`\`\`diff\ndiff --git ${q} ${q.replace("a/", "b/")}\n--- ${q}\n+++ ${q.replace("a/", "b/")}\n@@ -1,2 +1,2 @@\n export const a = 1\n-export const b = 2\n+export const b = 3\n\`\`\`\n`;
  const p = ok(await plan({ reply, files: { [file]: "export const a = 1\nexport const b = 2\n" } }));
  expect(after(p, file)).toBe("export const a = 1\nexport const b = 3\n");
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

  test("file deletion with +++ /dev/null, when the task asks for it", async () => {
    const diff = `--- a/old.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-line 1\n-line 2\n`;
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = ok(await plan({ reply: fence(diff), files: { "old.txt": numbered(2) }, description: "Delete old.txt", ...(applyStrict ? { applyStrict } : {}) }));
      expect(p.changes).toEqual([{ path: "old.txt", before: numbered(2), after: null }]);
    }
  });
});

describe("planEdit never touches the workspace", () => {
  test("the real directory is unchanged after a plan", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edits-ws-"));
    try {
      writeFileSync(join(dir, "x.txt"), "a\nb\nc\n");
      const prev = process.cwd();
      process.chdir(dir);
      try {
        const p = await planEdit({
          reply: "```diff\n--- a/x.txt\n+++ b/x.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n```\n",
          current: new Map([["x.txt", "a\nb\nc\n"]]),
          filesOwned: ["x.txt"],
          maxLines: 300,
        });
        expect(p.ok && p.strategy).toBe("strict");
      } finally {
        process.chdir(prev);
      }
      expect(readFileSync(join(dir, "x.txt"), "utf8")).toBe("a\nb\nc\n");
      expect(readdirSync(dir)).toEqual(["x.txt"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
