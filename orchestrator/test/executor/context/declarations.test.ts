// A module's exported declarations as the model is shown them: types whole, signatures without
// bodies, constants by their written type or their short value, used local types included.
import { describe, expect, test } from "bun:test";
import { readExports } from "../../../src/executor/context/declarations.ts";
import { createTypeInference } from "../../../src/executor/context/infer.ts";
import { loadTypeScript } from "../../../src/source/typescript.ts";

const ts = await loadTypeScript();
const outline = (text: string, file = "m.tsx") => readExports(ts, file, text);
const texts = (text: string, file?: string) => outline(text, file).declarations.map((d) => d.text);

describe("what is shown of each kind of export", () => {
  test("interfaces, type aliases and enums whole, with their fields", () => {
    const src = "export interface User {\n  id: number\n  displayName: string\n}\nexport type Role = 'admin' | 'member'\nexport enum Color { Red, Green }\n";
    expect(texts(src)).toEqual(["export interface User {\n  id: number\n  displayName: string\n}", "export type Role = 'admin' | 'member'", "export enum Color { Red, Green }"]);
  });

  test("functions and components as signatures; bodies never appear", () => {
    const src = [
      "export function greet(user: User, loud = false): string {\n  return `secret body ${user}`\n}",
      "export default function Card({ title }: { title: string }) {\n  return <div>secret markup</div>\n}",
      "export const format = (cents: number): string => `secret ${cents}`",
      "export async function load<T>(url: string): Promise<T> { return fetch(url) as never }",
    ].join("\n");
    const shown = texts(src);
    expect(shown).toEqual([
      "export function greet(user: User, loud = false): string;",
      "export default function Card({ title }: { title: string });",
      "export const format = (cents: number): string => …",
      "export async function load<T>(url: string): Promise<T>;",
    ]);
    expect(shown.join("\n")).not.toContain("secret");
  });

  test("constants by their written type, else their value when it is short, else its first line", () => {
    const long = `export const TABLE = {\n${Array.from({ length: 40 }, (_, i) => `  k${i}: ${i},`).join("\n")}\n}`;
    expect(texts(`export const MAX = 10\nexport const COLORS = ['red', 'green'] as const\nexport const config: Config = load()\n${long}\n`, "m.ts")).toEqual([
      "export const MAX = 10",
      "export const COLORS = ['red', 'green'] as const",
      "export const config: Config",
      "export const TABLE = { … (value cut short)",
    ]);
  });

  test("overloads are shown, not the implementation behind them", () => {
    expect(texts("export function f(a: string): string\nexport function f(a: number): number\nexport function f(a: unknown) { return a }\n", "m.ts")).toEqual([
      "export function f(a: string): string",
      "export function f(a: number): number",
    ]);
  });

  test("classes: public members as signatures, private ones left out", () => {
    const src = "export class Store<T> {\n  private secret = 1\n  #hidden = 2\n  items: T[] = []\n  constructor(public name: string) {}\n  add(item: T): void { this.items.push(item) }\n}\n";
    expect(texts(src, "m.ts")).toEqual(["export class Store<T> {\n  items: T[];\n  constructor(public name: string);\n  add(item: T): void;\n}"]);
  });

  test("memo and forwardRef wrappers show the wrapped component's signature", () => {
    expect(texts("export const Badge = memo(function Badge({ n }: { n: number }) { return <b>{n}</b> })\n")).toEqual([
      "export const Badge = memo(function Badge({ n }: { n: number }) { … })",
    ]);
  });
});

describe("which declarations are shown", () => {
  test("a local type an export uses is shown, marked; an unused one is not", () => {
    const src = "type Props = { title: string; tone: Tone }\ntype Tone = 'info' | 'warn'\ntype Unused = { x: number }\nexport default function Alert(props: Props) { return null }\n";
    const o = outline(src);
    expect(o.declarations.map((d) => d.text)).toEqual([
      "type Props = { title: string; tone: Tone } // not exported",
      "type Tone = 'info' | 'warn' // not exported",
      "export default function Alert(props: Props);",
    ]);
    expect(o.declarations[0]!.neededBy).toEqual(["default"]);
  });

  test("export lists and `export default name` are followed to the declaration", () => {
    expect(texts("function Card(p: { title: string }) { return null }\nconst helper = 1\nexport { helper as aliasHelper }\nexport default Card\n")).toEqual([
      "function Card(p: { title: string }); // exported as default",
      "const helper = 1 // exported as aliasHelper",
    ]);
  });

  test("`export =` is shown as such", () => {
    expect(texts("function legacy(x: string): number { return 1 }\nexport = legacy\n", "m.ts")).toEqual(["function legacy(x: string): number; // exported as export ="]);
    expect(texts("export = { a: 1 }\n", "m.ts")).toEqual(["export = { a: 1 }"]);
  });

  test("re-exports are reported for the barrel to be followed", () => {
    expect(outline("export * from './Button'\nexport { Icon as Glyph, Size } from './Icon'\n", "index.ts").reexports).toEqual([
      { specifier: "./Button", names: "*" },
      { specifier: "./Icon", names: [["Icon", "Glyph"], ["Size", "Size"]] },
    ]);
  });

  test("a global declaration file declares everything in it", () => {
    expect(texts("declare const __APP_VERSION__: string\ninterface Window { appReady: boolean }\n", "env.d.ts")).toEqual([
      "declare const __APP_VERSION__: string",
      "interface Window { appReady: boolean }",
    ]);
  });
});

describe("types TypeScript infers where the module writes none", () => {
  const inferred = (text: string, file = "m.tsx") => readExports(ts, file, text, createTypeInference(ts)).declarations.map((d) => d.text);

  test("a long constant is shown as its inferred type instead of cut short", () => {
    const long = `export const SETTINGS = {\n${Array.from({ length: 30 }, (_, i) => `  option${i}: ${i},`).join("\n")}\n  name: 'app',\n  tags: ['a', 'b'],\n}\n`;
    const [shown] = inferred(long, "m.ts");
    expect(shown).toStartWith("export const SETTINGS: { option0: number; option1: number;");
    expect(shown).toEndWith("option29: number; name: string; tags: string[]; }");
  });

  test("an unannotated function's return type, from the standard library too", () => {
    expect(inferred("export function total(prices: number[]) {\n  return prices.reduce((a, b) => a + b, 0).toFixed(2)\n}\nexport const ids = (n: number) => Array.from({ length: n }, (_, i) => i)\n", "m.ts")).toEqual([
      "export function total(prices: number[]): string;",
      "export const ids = (n: number): number[] => …",
    ]);
  });

  test("a type that needs what the module imports or React's JSX is not guessed", () => {
    const shown = inferred("import { load } from './api'\nexport function get(id: string) { return load(id) }\nexport function Card() { return <div /> }\n");
    expect(shown).toEqual(["export function get(id: string);", "export function Card();"]);
  });
});
