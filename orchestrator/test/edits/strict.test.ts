/** patchApplier: the real-`patch` strict applier, its staging directory and its refusals. */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { patchApplier } from "../../src/edits/strict.ts";

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
