/**
 * Every refusal reason, and that its detail tells the model what went wrong and what to do.
 */
import { describe, expect, test } from "bun:test";
import { fence, numbered, plan, refuseStrict, refused } from "../../testing/edits.ts";

const FILE = numbered(20);

describe("refusals", () => {
  test("no_diff: prose only, or a code block with no path", async () => {
    for (const reply of ["I think the bug is in the loop.", "```ts\nconst x = 1;\n```\n"]) {
      const r = refused(await plan({ reply, files: { "f.txt": FILE } }), "no_diff");
      expect(r.detail).toContain("f.txt");
      expect(r.detail).toContain("```diff");
    }
  });

  test("not_owned: a diff for a file outside filesOwned", async () => {
    const r = refused(
      await plan({ reply: fence("--- a/src/other.ts\n+++ b/src/other.ts\n@@\n-a\n+b\n"), files: { "src/mine.ts": "a\n" } }),
      "not_owned",
    );
    expect(r.detail).toContain("src/other.ts");
    expect(r.detail).toContain("src/mine.ts");
  });

  test("not_owned: a whole file labelled with a path we do not own", async () => {
    refused(await plan({ reply: "```ts src/other.ts\nx\n```\n", files: { "src/mine.ts": "a\n" } }), "not_owned");
  });

  test("read_only: a diff for a read-only file says so, and names the files that may change", async () => {
    const r = refused(
      await plan({
        reply: fence("--- a/src/types.ts\n+++ b/src/types.ts\n@@\n-a\n+b\n--- a/src/mine.ts\n+++ b/src/mine.ts\n@@\n-a\n+b\n"),
        files: { "src/mine.ts": "a\n" },
        read: ["src/types.ts"],
      }),
      "read_only",
    );
    expect(r.detail).toContain("src/types.ts, a read-only file");
    expect(r.detail).toContain("edit only your files: src/mine.ts");
  });

  test("read_only: a whole file labelled with a read-only path, as the only edit", async () => {
    refused(await plan({ reply: "```ts src/types.ts\nexport type A = 2\n```\n", files: { "src/mine.ts": "a\n" }, read: ["src/types.ts"] }), "read_only");
  });

  test("a read-only file quoted next to a diff of an owned file is an illustration, not an edit", async () => {
    const p = await plan({
      reply: `${fence("--- a/src/mine.ts\n+++ b/src/mine.ts\n@@\n-a\n+b\n")}\nFor reference:\n\n\`\`\`ts src/types.ts\nexport type A = 1\n\`\`\`\n`,
      files: { "src/mine.ts": "a\n" },
      read: ["src/types.ts"],
    });
    expect(p.ok && p.changes.map((c) => c.path)).toEqual(["src/mine.ts"]);
  });

  test("a word like e.g before a code block is not a file label", async () => {
    refused(await plan({ reply: "e.g\n```js\nconsole.log(1)\n```\n", files: { "src/mine.ts": "a\n" } }), "no_diff");
  });

  test("not_owned: a basename that matches two owned files", async () => {
    const r = refused(
      await plan({ reply: fence("--- a/index.ts\n+++ b/index.ts\n@@\n-a\n+b\n"), files: { "src/a/index.ts": "a\n", "src/b/index.ts": "a\n" } }),
      "not_owned",
    );
    expect(r.detail).toContain("src/a/index.ts or src/b/index.ts");
  });

  test("outside_workspace: .. and absolute paths", async () => {
    for (const path of ["a/../secrets.txt", "src/../../x.ts", "../f.txt", "/etc/passwd", "C:/Windows/x.ts", "C:\\Windows\\x.ts", "a//etc/passwd", "~/.ssh/config"]) {
      refused(await plan({ reply: fence(`--- ${path}\n+++ ${path}\n@@\n-a\n+b\n`), files: { "f.txt": "a\n" } }), "outside_workspace");
    }
    refused(await plan({ reply: "```ts ../up.ts\nx\n```\n", files: { "f.txt": "a\n" } }), "outside_workspace");
  });

  test("an absolute path ending in an owned path resolves to it", async () => {
    const p = await plan({ reply: fence("--- /home/u/proj/src/f.ts\n+++ /home/u/proj/src/f.ts\n@@\n-a\n+b\n"), files: { "src/f.ts": "a\n" } });
    expect(p.ok).toBe(true);
  });

  test("too_large: more added+removed lines than maxLines", async () => {
    const body = Array.from({ length: 20 }, (_, i) => `-line ${i + 1}\n+LINE ${i + 1}\n`).join("");
    const r = refused(await plan({ reply: fence(`@@\n${body}`), files: { "f.txt": FILE }, maxLines: 30 }), "too_large");
    expect(r.detail).toContain("40");
    expect(r.detail).toContain("30");
  });

  test("parse_error: hunks without file headers when several files are owned", async () => {
    const r = refused(await plan({ reply: fence("@@\n line 1\n-line 2\n+x\n"), files: { "a.txt": FILE, "b.txt": FILE } }), "parse_error");
    expect(r.detail).toContain("--- a/");
  });

  test("parse_error: a diff block with nothing in it", async () => {
    refused(await plan({ reply: "```diff\nI could not make the change.\n```\n", files: { "f.txt": FILE } }), "parse_error");
  });

  test("parse_error: a reply cut off inside a hunk (fence never closed, fewer lines than announced)", async () => {
    const r = refused(await plan({ reply: "```diff\n--- a/f.txt\n+++ b/f.txt\n@@ -3,6 +3,3 @@\n line 3\n-line 4\n-line 5\n", files: { "f.txt": FILE } }), "parse_error");
    expect(r.detail).toContain("cut off");
  });

  test("an unclosed fence around a complete diff is fine", async () => {
    const p = await plan({ reply: "```diff\n--- a/f.txt\n+++ b/f.txt\n@@ -3,3 +3,3 @@\n line 3\n-line 4\n+LINE 4\n line 5\n", files: { "f.txt": FILE } });
    expect(p.ok).toBe(true);
  });

  test("parse_error: a whole file cut off (its fence never closes)", async () => {
    const r = refused(await plan({ reply: "Here:\n```txt f.txt\nline 1\nline 2\n", files: { "f.txt": FILE } }), "parse_error");
    expect(r.detail).toContain("cut off");
  });

  test("hunk_ambiguous: a diff written as if an existing file were new", async () => {
    const r = refused(await plan({ reply: fence("--- a/f.txt\n+++ b/f.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n"), files: { "f.txt": FILE } }), "hunk_ambiguous");
    expect(r.detail).toContain("20 lines");
  });

  test("parse_error: renames", async () => {
    refused(await plan({ reply: fence("--- a/a.txt\n+++ b/b.txt\n@@\n line 1\n-line 2\n+x\n"), files: { "a.txt": FILE, "b.txt": FILE } }), "parse_error");
  });

  test("hunk_not_found: names the file, the hunk, and the lines that differ", async () => {
    const diff = "--- a/f.txt\n+++ b/f.txt\n@@ -3,3 +3,3 @@\n line 3\n-line 4\n+LINE 4\n line 5\n@@ -10,4 +10,4 @@\n line 10\n line eleven\n-line 12\n+LINE 12\n line 13\n";
    const r = refused(await plan({ reply: fence(diff), files: { "f.txt": FILE } }), "hunk_not_found");
    expect(r.detail).toContain("f.txt, hunk 2 of 2");
    expect(r.detail).toContain('"line eleven"');
    expect(r.detail).toContain('file line 11 is "line 11"');
  });

  test("hunk_not_found: none of the lines exist", async () => {
    const r = refused(await plan({ reply: fence("@@\n nothing\n-like\n+this\n"), files: { "f.txt": FILE } }), "hunk_not_found");
    expect(r.detail).toContain("none of the");
  });

  test("hunk_not_found: the file does not exist and the diff expects lines in it", async () => {
    refused(await plan({ reply: fence("--- a/n.ts\n+++ b/n.ts\n@@\n a\n-b\n+c\n"), files: { "n.ts": null } }), "hunk_not_found");
  });

  test("hunk_not_found: creating a file that exists", async () => {
    refused(await plan({ reply: fence("--- /dev/null\n+++ b/f.txt\n@@ -0,0 +1 @@\n+x\n"), files: { "f.txt": FILE } }), "hunk_not_found");
  });

  test("hunk_ambiguous: context that occurs twice and no line number to choose", async () => {
    const file = "a\nb\nc\nd\na\nb\nc\n";
    for (const header of ["@@", "@@ -3,3 +3,3 @@"]) {
      const r = refused(await plan({ reply: fence(`--- a/f.txt\n+++ b/f.txt\n${header}\n a\n-b\n+B\n c\n`), files: { "f.txt": file } }), "hunk_ambiguous");
      expect(r.detail).toContain("lines 1, 5");
    }
  });

  test("duplicated context with the right line number applies there, never elsewhere", async () => {
    const file = "a\nb\nc\nd\na\nb\nc\n";
    for (const applyStrict of [undefined, refuseStrict]) {
      const p = await plan({ reply: fence(`--- a/f.txt\n+++ b/f.txt\n@@ -5,3 +5,3 @@\n a\n-b\n+B\n c\n`), files: { "f.txt": file }, ...(applyStrict ? { applyStrict } : {}) });
      expect(p.ok && p.changes[0]!.after).toBe("a\nb\nc\nd\na\nB\nc\n");
    }
  });

  test("hunk_ambiguous: quoted lines re-indented into exactly another place's, the header naming the one they match loosely", async () => {
    const file = "if (a) {\n  go();\n}\nfunction f() {\n  if (a) {\n    go();\n  }\n}\n";
    // The model meant lines 5-7 (its header says so) but wrote them two spaces less: exactly lines 1-3.
    const reply = fence("--- a/f.ts\n+++ b/f.ts\n@@ -5,3 +5,3 @@\n if (a) {\n-  go();\n+  stop();\n }\n");
    const r = refused(await plan({ reply, files: { "f.ts": file }, applyStrict: refuseStrict }), "hunk_ambiguous");
    expect(r.detail).toContain("exactly the lines at line 1");
    expect(r.detail).toContain("header names line 5");
  });

  test("hunk_ambiguous: a blank line left out between removed lines (removed too, or kept?)", async () => {
    const file = "a\nb\n\nc\nd\n";
    const r = refused(await plan({ reply: fence("--- a/f.txt\n+++ b/f.txt\n@@\n a\n-b\n-c\n d\n"), files: { "f.txt": file } }), "hunk_ambiguous");
    expect(r.detail).toContain("blank line at line 3");
    expect(r.detail).toContain("between lines it removes");
  });

  test("hunk_ambiguous: a pure insertion with no context line", async () => {
    refused(await plan({ reply: fence("--- a/f.txt\n+++ b/f.txt\n@@ -4,0 +5,1 @@\n+new\n"), files: { "f.txt": FILE } }), "hunk_ambiguous");
  });

  test("hunk_ambiguous: two hunks changing the same line", async () => {
    const diff = "@@\n line 3\n-line 4\n+A\n@@\n-line 4\n+B\n line 5\n";
    const r = refused(await plan({ reply: fence(diff), files: { "f.txt": FILE } }), "hunk_ambiguous");
    expect(r.detail).toContain("hunks 1 and 2");
  });

  test("no_change: a diff without + or - lines", async () => {
    refused(await plan({ reply: fence("@@\n line 1\n line 2\n"), files: { "f.txt": FILE } }), "no_change");
  });

  test("no_change: identical whole file", async () => {
    refused(await plan({ reply: `\`\`\`txt f.txt\n${FILE}\`\`\`\n`, files: { "f.txt": FILE } }), "no_change");
  });

  test("no_change: a diff that is already applied", async () => {
    const r = refused(await plan({ reply: fence("@@\n line 1\n-line two\n+line 2\n line 3\n"), files: { "f.txt": FILE } }), "no_change");
    expect(r.detail).toContain("already");
  });

  test("a diff removing and re-adding the same lines changes nothing", async () => {
    refused(await plan({ reply: fence("@@\n line 1\n-line 2\n+line 2\n line 3\n"), files: { "f.txt": FILE } }), "no_change");
  });
});

describe("elision guard", () => {
  const SRC = `export function load(id: string) {
  const row = db.get(id);
  if (!row) throw new Error("missing");
  const parsed = parse(row);
  validate(parsed);
  return parsed;
}
`;
  const placeholders = [
    "  // ... rest of the function unchanged ...",
    "  /* existing code */",
    "  // ...",
    "  // rest of code",
    "  # ...",
    "  {/* ... */}",
    "  // … existing logic",
    "  ...",
  ];
  for (const ph of placeholders) {
    test(`a diff replacing code with ${ph.trim()} is refused`, async () => {
      const diff = `@@\n export function load(id: string) {\n-  const row = db.get(id);\n-  if (!row) throw new Error("missing");\n-  const parsed = parse(row);\n+  const row = await db.get(id);\n+${ph}\n   validate(parsed);\n`;
      const r = refused(await plan({ reply: fence(diff), files: { "s.ts": SRC } }), "elision");
      expect(r.detail).toContain("in full");
      expect(r.detail).toContain("s.ts");
    });
  }

  test("a whole file with a placeholder for dropped code is refused", async () => {
    const reply = "```ts s.ts\nexport function load(id: string) {\n  const row = db.get(id);\n  // ... rest unchanged ...\n}\n```\n";
    refused(await plan({ reply, files: { "s.ts": SRC } }), "elision");
  });

  test("a placeholder used as a context line is refused as elision", async () => {
    const diff = `@@\n export function load(id: string) {\n   // ...\n-  return parsed;\n+  return { parsed };\n }\n`;
    refused(await plan({ reply: fence(diff), files: { "s.ts": SRC } }), "elision");
  });

  test("a whole-file fragment (much shorter, made of the file's own lines) is refused", async () => {
    const big = Array.from({ length: 40 }, (_, i) => `export const v${i} = ${i};\n`).join("");
    const reply = "```ts v.ts\nexport const v3 = 3;\nexport const v4 = 44;\nexport const v5 = 5;\n```\n";
    refused(await plan({ reply, files: { "v.ts": big } }), "elision");
  });

  test("the prompt's own example body sent back as the whole file is refused", async () => {
    const big = Array.from({ length: 40 }, (_, i) => `export const v${i} = ${i};\n`).join("");
    refused(await plan({ reply: "v.ts\n```ts\n...the whole file...\n```\n", files: { "v.ts": big } }), "elision");
    refused(await plan({ reply: "v.ts\n```ts\n// TODO\n```\n", files: { "v.ts": big } }), "elision");
  });

  test("a placeholder comment in purely new code is fine", async () => {
    const diff = `@@\n   validate(parsed);\n   return parsed;\n }\n+\n+export function later() {\n+  // ...\n+}\n`;
    const p = await plan({ reply: fence(diff), files: { "s.ts": SRC } });
    expect(p.ok).toBe(true);
  });

  test("ordinary comments replacing code are fine", async () => {
    const diff = `@@\n export function load(id: string) {\n-  const row = db.get(id);\n+  // rows are cached, see cache.ts\n+  const row = cache.get(id);\n   if (!row) throw new Error("missing");\n`;
    const p = await plan({ reply: fence(diff), files: { "s.ts": SRC } });
    expect(p.ok).toBe(true);
  });

  test("removing a placeholder-looking comment line that already existed is fine", async () => {
    const file = "function f() {\n  // ...\n  return 1;\n}\n";
    const p = await plan({ reply: fence("@@\n function f() {\n-  // ...\n   return 1;\n"), files: { "f.ts": file } });
    expect(p.ok).toBe(true);
  });
});
