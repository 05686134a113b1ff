// Outlines of real files from published packages: a big test file, a declaration file with
// namespaces and interfaces, a class-based SDK module; and the small cases spelled out.
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { outlineOf, type Declaration } from "../../src/source/outline.ts";

const NODE_MODULES = path.resolve(import.meta.dir, "../../node_modules");
const read = (rel: string) => readFile(path.join(NODE_MODULES, rel), "utf8");
const brief = (d: Declaration) => `${d.depth}:${d.line}-${d.endLine} ${d.kind}${d.exported ? " export" : ""} ${d.name}`;

describe("real files", () => {
  test("zod's string.test.ts: its imports, top-level consts and every test, with their lines", async () => {
    const text = await read("zod/src/v4/classic/tests/string.test.ts");
    const outline = (await outlineOf("string.test.ts", text))!;
    const lines = text.split("\n");
    expect(outline[0]).toMatchObject({ kind: "imports", line: 1, depth: 0 });
    const email = outline.find((d) => d.name === 'test("email validations")')!;
    expect(lines[email.line - 1]).toStartWith('test("email validations"');
    expect(lines[email.endLine - 1]).toBe("});");
    // Every top-level test() of the file is there, and nothing inside a test is.
    const tests = lines.filter((l) => /^test\(/.test(l)).length;
    expect(outline.filter((d) => d.kind === "call" && d.name.startsWith("test(")).length).toBe(tests);
    expect(outline.every((d) => d.depth === 0)).toBe(true);
  });

  test("@types/node's stream.d.ts: declare module, namespaces, classes and their members", async () => {
    const text = await read("@types/node/stream.d.ts");
    const outline = (await outlineOf("stream.d.ts", text))!;
    const lines = text.split("\n");
    const readable = outline.find((d) => d.kind === "class" && d.name === "Readable")!;
    expect(readable.depth).toBe(2);
    expect(lines[readable.line - 1]).toContain("class Readable extends Stream");
    const members = outline.filter((d) => d.depth === 3 && d.line > readable.line && d.endLine <= readable.endLine);
    expect(members.map((m) => m.name)).toEqual(expect.arrayContaining(["read", "setEncoding", "[Symbol.asyncIterator]"]));
    for (const d of outline) expect(d.line).toBeLessThanOrEqual(d.endLine);
  });

  test("openai's runs.ts: an exported class and its methods, exported interfaces and types", async () => {
    const outline = (await outlineOf("runs.ts", await read("openai/src/resources/evals/runs/runs.ts")))!;
    expect(outline.find((d) => d.name === "Runs")).toMatchObject({ kind: "class", exported: true, depth: 0 });
    expect(outline.filter((d) => d.kind === "member" && d.name === "list")).toHaveLength(3);
    expect(outline.find((d) => d.name === "normalizeRequestOptionsForQuery")).toMatchObject({ kind: "function", exported: false });
  });
});

test("small cases: exports, arrow functions, enums, JSX, nested describes", async () => {
  const text = [
    'import a from "a";', // 1
    'import { b } from "b";', // 2
    "/** doc */", // 3
    "export const f = (x: number) => x;", // 4
    "export enum Color { Red, Green }", // 5
    "type T = { a: string };", // 6
    'describe("outer", () => {', // 7
    '  describe("inner", () => {', // 8
    '    it("works", () => { expect(1).toBe(1); });', // 9
    "  });", // 10
    "});", // 11
    "export default function App() { return <div>{'export const no = 1'}</div>; }", // 12
  ].join("\n");
  const outline = (await outlineOf("app.tsx", text))!.map(brief);
  expect(outline).toEqual([
    "0:1-2 imports imports",
    "0:4-4 function export f",
    "0:5-5 enum export Color",
    "0:6-6 type T",
    '0:7-11 call describe("outer")',
    '1:8-10 call describe("inner")',
    '2:9-9 call it("works")',
    "0:12-12 function export App",
  ]);
});

test("Markdown by its headings, not counting those inside code blocks; other files have none", async () => {
  const md = "# Title\nintro\n## One\n```sh\n# not a heading\n```\n## Two\ntext\n";
  expect((await outlineOf("README.md", md))!.map(brief)).toEqual(["0:1-8 heading Title", "1:3-6 heading One", "1:7-8 heading Two"]);
  expect(await outlineOf("data.json", "{}")).toBeNull();
});
