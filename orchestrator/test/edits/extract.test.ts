/** extractEdits: telling diff blocks, whole-file blocks and plain code blocks apart in a reply. */
import { describe, expect, test } from "bun:test";
import { extractEdits } from "../../src/edits/extract.ts";

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
