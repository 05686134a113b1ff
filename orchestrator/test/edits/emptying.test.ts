import { describe, expect, test } from "bun:test";
import { asksToEmpty, emptyingRefusal } from "../../src/edits/emptying.ts";
import { fence, plan, refused } from "../../testing/edits.ts";

describe("asksToEmpty: the description names the file and says delete, empty, remove or clear", () => {
  const cases: Array<[string, string, boolean]> = [
    ["Empty notes.md: the notes moved to the wiki", "docs/notes.md", true],
    ["delete src/legacy.ts, nothing imports it", "src/legacy.ts", true],
    ["Remove everything from src/old.ts.", "src/old.ts", true],
    ["clear the fixtures in fixtures.json", "test/fixtures.json", true],
    ["Tidy up notes.md", "notes.md", false],
    ["Delete the unused import in app.ts", "notes.md", false],
    ["Delete the old entries from mynotes.md", "notes.md", false],
    ["Make notes.md clearly structured", "notes.md", false],
  ];
  for (const [description, file, asked] of cases) {
    test(`${JSON.stringify(description)} -> ${file}: ${asked}`, () => expect(asksToEmpty(description, file)).toBe(asked));
  }
});

describe("an edit that empties a non-empty file", () => {
  const notes = "# Notes\n\n- a\n- b\n";

  test("an empty whole-file block is refused unless asked, and accepted when asked", async () => {
    const reply = fence("", "md notes.md");
    const p = refused(await plan({ reply, files: { "notes.md": notes }, description: "tidy notes.md" }), "empties_file");
    expect(p.detail).toBe("Your edit would empty notes.md, which has 4 lines now, and the task does not ask for that. Send the complete new content of notes.md, or a unified diff that changes only the lines the task needs.");
    expect((await plan({ reply, files: { "notes.md": notes }, description: "empty notes.md" })).ok).toBe(true);
  });

  test("a diff that removes every line, or deletes the file, is refused the same way", async () => {
    const removeAll = fence("--- a/notes.md\n+++ b/notes.md\n@@ -1,4 +0,0 @@\n-# Notes\n-\n-- a\n-- b\n");
    refused(await plan({ reply: removeAll, files: { "notes.md": notes } }), "empties_file");
    const deleteIt = fence("--- a/notes.md\n+++ /dev/null\n@@ -1,4 +0,0 @@\n-# Notes\n-\n-- a\n-- b\n");
    expect(refused(await plan({ reply: deleteIt, files: { "notes.md": notes } }), "empties_file").detail).toStartWith("Your edit would delete notes.md");
  });

  test("a file that was already blank may be emptied", () => {
    expect(emptyingRefusal([{ path: "a.txt", before: "\n\n", after: "" }], "")).toBeNull();
  });
});
