/**
 * The pieces on their own: path resolution, reply extraction, the lexer, the placeholder
 * detector, and the real-`patch` strict applier (its staging directory and refusals).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractEdits } from "../../src/edits/extract.ts";
import { isPlaceholder, patchApplier, planEdit } from "../../src/edits/plan.ts";
import { lexDiff } from "../../src/edits/lex.ts";
import { resolvePath } from "../../src/edits/paths.ts";

describe("resolvePath: only ever an owned file", () => {
  const owned = ["src/App.tsx", "src/components/Button.tsx", "src/a/index.ts", "src/b/index.ts", "README.md"];
  const cases: [string, string][] = [
    ["a/src/App.tsx", "owned:src/App.tsx"],
    ["b/src/App.tsx", "owned:src/App.tsx"],
    ["src/App.tsx", "owned:src/App.tsx"],
    ["./src/App.tsx", "owned:src/App.tsx"],
    ["orig/src/App.tsx", "owned:src/App.tsx"],
    ["my-project/src/components/Button.tsx", "owned:src/components/Button.tsx"],
    ["packages/web/src/components/Button.tsx", "owned:src/components/Button.tsx"],
    ["/home/me/proj/src/App.tsx", "owned:src/App.tsx"],
    ["Button.tsx", "owned:src/components/Button.tsx"],
    ["components/Button.tsx", "owned:src/components/Button.tsx"],
    ["a/Button.tsx", "owned:src/components/Button.tsx"],
    ["`src/App.tsx`", "owned:src/App.tsx"],
    ['"src/App.tsx"', "owned:src/App.tsx"],
    ["src\\App.tsx", "owned:src/App.tsx"],
    ["README.md", "owned:README.md"],
    ["index.ts", "not_owned"],
    ["src/main.tsx", "not_owned"],
    ["src/utils/App.tsx", "not_owned"],
    ["package.json", "not_owned"],
    ["lib/deep/other/Button.tsx", "not_owned"],
    ["../src/App.tsx", "outside"],
    ["src/../App.tsx", "outside"],
    ["/etc/passwd", "outside"],
    ["C:/x/y.ts", "outside"],
    ["/dev/null", "devnull"],
  ];
  for (const [raw, want] of cases) {
    test(`${raw} -> ${want}`, () => {
      const r = resolvePath(raw, owned);
      expect(r.kind === "owned" ? `owned:${r.path}` : r.kind).toBe(want);
    });
  }
});

describe("extractEdits", () => {
  test("diff blocks, whole-file blocks and plain code blocks are told apart", () => {
    const reply = [
      "Intro",
      "```diff",
      "--- a/x.ts",
      "+++ b/x.ts",
      "@@",
      "-a",
      "+b",
      "```",
      "`src/y.ts`:",
      "```ts",
      "export const y = 1;",
      "```",
      "Example:",
      "```ts",
      "y + 1",
      "```",
      "```ts src/z.ts",
      "export const z = 2;",
      "```",
    ].join("\n");
    const e = extractEdits(reply);
    expect(e.diffs).toHaveLength(1);
    expect(e.diffs[0]!.fenced).toBe(true);
    expect(e.wholeFiles.map((w) => w.label)).toEqual(["src/y.ts", "src/z.ts"]);
    expect(e.wholeFiles[0]!.content).toBe("export const y = 1;\n");
  });

  test("an unfenced diff is found when there is no fenced one", () => {
    const e = extractEdits("Change:\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\nThanks\n");
    expect(e.diffs).toHaveLength(1);
    expect(e.diffs[0]!.fenced).toBe(false);
  });

  test("a language name or a sentence is not a label", () => {
    const e = extractEdits("Here is the code:\n```typescript\nx\n```\nThe file.\n```ts\ny\n```\n");
    expect(e.wholeFiles).toEqual([]);
    expect(e.diffs).toEqual([]);
  });

  test("an unclosed fence (truncated reply) still yields its body", () => {
    const e = extractEdits("```diff\n--- a/x\n+++ b/x\n@@\n-a\n+b\n");
    expect(e.diffs).toHaveLength(1);
  });
});

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

describe("isPlaceholder", () => {
  const yes = [
    "// ... rest of the component unchanged ...",
    "/* existing code */",
    "// ...",
    "{/* ... */}",
    "// rest of code",
    "# ...",
    "// … other methods",
    "// ... existing code ...",
    "// Rest of the file remains the same",
    "// (unchanged)",
    "...",
    "// keep the rest as is",
    "<!-- ... -->",
    "// remaining cases omitted for brevity",
    "... rest of the file",
    "...the whole file...",
  ];
  const no = [
    "// compute the total",
    "// TODO: handle errors",
    "// rest parameters are collected here",
    "/* eslint-disable */",
    "#!/usr/bin/env node",
    "// Loading",
    "// the previous value is kept",
    "// This returns the rest of the array",
    "const rest = [...items];",
    "return { ...state, loading: false };",
    "...defaults,",
    "...rest",
  ];
  for (const s of yes) test(`placeholder: ${s}`, () => expect(isPlaceholder(s)).toBe(true));
  for (const s of no) test(`not a placeholder: ${s}`, () => expect(isPlaceholder(s)).toBe(false));
});

describe("patchApplier (real GNU patch)", () => {
  const file = "a\nb\nc\nd\ne\nf\ng\n";
  test("applies a clean diff on copies, leaving nothing behind", async () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("smol-edit-")));
    const out = await patchApplier("--- a/d/x.txt\n+++ b/d/x.txt\n@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n", new Map([["d/x.txt", file]]));
    expect(out?.get("d/x.txt")).toBe(file.replace("d\n", "D\n"));
    const afterDirs = readdirSync(tmpdir()).filter((n) => n.startsWith("smol-edit-") && !before.has(n));
    expect(afterDirs).toEqual([]);
  });

  test("refuses a hunk that only applies at an offset", async () => {
    expect(await patchApplier("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n c\n-d\n+D\n e\n", new Map([["x", file]]))).toBeNull();
  });

  test("refuses what would need fuzz", async () => {
    expect(await patchApplier("--- a/x\n+++ b/x\n@@ -2,5 +2,5 @@\n b\n c\n-d\n+D\n e\n F\n", new Map([["x", file]]))).toBeNull();
  });

  test("refuses a failing hunk (and writes no .rej anywhere)", async () => {
    expect(await patchApplier("--- a/x\n+++ b/x\n@@ -3,3 +3,3 @@\n c\n-zzz\n+D\n e\n", new Map([["x", file]]))).toBeNull();
  });

  test("refuses an already-applied diff instead of reversing it", async () => {
    expect(await patchApplier("--- a/x\n+++ b/x\n@@ -3,3 +3,3 @@\n c\n-D\n+d\n e\n", new Map([["x", file]]))).toBeNull();
  });

  test("creates and deletes files", async () => {
    const out = await patchApplier(
      "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+new\n--- a/x\n+++ /dev/null\n@@ -1,7 +0,0 @@\n" + file.split("\n").slice(0, 7).map((l) => `-${l}\n`).join(""),
      new Map<string, string | null>([
        ["n.txt", null],
        ["x", file],
      ]),
    );
    expect(out?.get("n.txt")).toBe("new\n");
    expect(out?.get("x")).toBeNull();
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
