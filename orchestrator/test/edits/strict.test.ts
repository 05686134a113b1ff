/** patchApplier: the real-`patch` strict applier, its staging directory and its refusals. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { patchApplier } from "../../src/edits/strict.ts";

describe("patchApplier (real GNU patch)", () => {
  const file = "a\nb\nc\nd\ne\nf\ng\n";
  test("applies a clean diff on copies, leaving nothing behind", async () => {
    // A temp folder of this test's own: other processes on the machine make smol-edit-* too.
    const own = mkdtempSync(join(tmpdir(), "smol-strict-test-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      const out = await patchApplier("--- a/d/x.txt\n+++ b/d/x.txt\n@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n", new Map([["d/x.txt", file]]));
      expect(out?.get("d/x.txt")).toBe(file.replace("d\n", "D\n"));
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(own, { recursive: true, force: true });
    }
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
