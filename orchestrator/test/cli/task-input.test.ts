import { describe, expect, test } from "bun:test";
import { parseTasks, readTaskText } from "../../src/cli/task-input.ts";

describe("parseTasks: one task", () => {
  test("normalises paths and drops duplicates", () => {
    expect(parseTasks(JSON.stringify({ description: " do it ", filesOwned: ["./src/a.ts", "src/a.ts", "src\\b.ts"] }), "stdin")).toEqual([
      {
        description: "do it",
        filesOwned: ["src/a.ts", "src/b.ts"],
      },
    ]);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ["absolute", { description: "x", filesOwned: ["/abs.ts"] }, /filesOwned\.0: path must be relative/],
    ["windows absolute", { description: "x", filesOwned: ["C:\\x.ts"] }, /relative/],
    ["dot-dot", { description: "x", filesOwned: ["a/../../b.ts"] }, /'\.\.'/],
    ["empty list", { description: "x", filesOwned: [] }, /at least one/],
    ["empty path", { description: "x", filesOwned: [""] }, /must not be empty/],
    ["dot", { description: "x", filesOwned: ["."] }, /name a file/],
    ["empty description", { description: "", filesOwned: ["a.ts"] }, /description/],
    ["wrong type", { description: "x", filesOwned: "a.ts" }, /filesOwned/],
    ["empty verify list", { description: "x", filesOwned: ["a.ts"], verify: [] }, /verify/],
  ];
  for (const [name, task, message] of refused) {
    test(`refuses ${name}`, () => expect(() => parseTasks(JSON.stringify(task), "t.json")).toThrow(message));
  }

  test("says where an unparsable task came from", () => {
    expect(() => parseTasks("{", "task.json")).toThrow(/task from task\.json is not valid JSON/);
    expect(() => parseTasks("  \n", "stdin")).toThrow(/from stdin is empty/);
  });
});

describe("readTaskText", () => {
  test("refuses to wait on an interactive terminal", async () => {
    await expect(readTaskText({ stdin: { isTTY: true, text: async () => "" } })).rejects.toThrow(/pipe task JSON/);
  });
  test("reads stdin when no file is given", async () => {
    expect(await readTaskText({ stdin: { isTTY: false, text: async () => "{}" } })).toBe("{}");
  });
});
