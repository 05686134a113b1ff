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

describe("parseTasks: where a mistake is", () => {
  const task = (n: number) => JSON.stringify({ description: `task ${n}`, filesOwned: [`f${n}.ts`] });
  test.each([
    // A pretty-printed array that lacks a comma is one document: its error is the document's, not line 1's "[".
    ["a pretty-printed array", `[\n  ${task(1)}\n  ${task(2)}\n]\n`, /^the task from t\.json is not valid JSON/],
    ["a pretty-printed object", '{\n  "description": "x"\n  "filesOwned": ["a.ts"]\n}\n', /^the task from t\.json is not valid JSON/],
    // JSON lines: the line number counts blank lines too.
    ["JSON lines with a blank line", `${task(1)}\n\n${task(2)}\n{ nope\n`, /^line 4 of t\.json is not valid JSON/],
  ])("%s", (_what, text, message) => {
    expect(() => parseTasks(text, "t.json")).toThrow(message);
  });

  test("a byte-order mark before the JSON is not part of it", () => {
    expect(parseTasks(`\uFEFF${task(1)}`, "t.json")).toEqual([{ description: "task 1", filesOwned: ["f1.ts"] }]);
    expect(parseTasks(`\uFEFF[${task(1)}, ${task(2)}]`, "t.json")).toHaveLength(2);
  });
});

describe("readTaskText", () => {
  test.each([
    ["a missing file", "/nonexistent/task.json", "cannot read task file /nonexistent/task.json: no such file"],
    ["a folder", "/tmp", "cannot read task file /tmp: it is a folder, not a file"],
  ])("names %s in words", async (_what, file, message) => {
    await expect(readTaskText({ file, stdin: { isTTY: false, text: async () => "" } })).rejects.toThrow(message);
  });

  test("refuses to wait on an interactive terminal", async () => {
    await expect(readTaskText({ stdin: { isTTY: true, text: async () => "" } })).rejects.toThrow(/pipe task JSON/);
  });
  test("reads stdin when no file is given", async () => {
    expect(await readTaskText({ stdin: { isTTY: false, text: async () => "{}" } })).toBe("{}");
  });
});
