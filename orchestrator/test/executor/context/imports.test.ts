// Following the owned files' imports one hop, resolved by the compiler's own resolver: tsconfig
// `paths` aliases (through `extends`), barrels, index files, extensions or none, .js specifiers
// that name .ts files, declaration files; packages and non-TypeScript files are left alone.
import { describe, expect, test } from "bun:test";
import { followImports, type ImportedModule } from "../../../src/executor/context/imports.ts";
import { recordingHost } from "../../../src/executor/context/host.ts";
import { loadTypeScript } from "../../../src/source/typescript.ts";
import { createWorkspace } from "../../../testing/workspace.ts";

const ts = await loadTypeScript();

interface Case {
  files: Record<string, string>;
  /** The owned files: a path whose content is null is created by the task. */
  owned: Record<string, string | null>;
  description?: string;
  read?: string[];
}

async function follow(c: Case): Promise<ImportedModule[]> {
  const existing = Object.entries(c.owned).flatMap(([file, content]) => (content === null ? [] : [[file, content] as const]));
  await using ws = await createWorkspace({ template: "empty", files: { ...c.files, ...Object.fromEntries(existing) } });
  return followImports(
    ts,
    { root: ws.dir, files: new Map(Object.entries(c.owned)), description: c.description ?? "", shownWhole: new Set([...Object.keys(c.owned), ...(c.read ?? [])]) },
    recordingHost(ts),
  );
}

/** module path -> [declaration file, text] */
function shown(modules: ImportedModule[]): Record<string, Array<[string, string]>> {
  return Object.fromEntries(modules.map((m) => [m.path, m.declarations.map((d) => [d.file, d.text] as [string, string])]));
}

const ALIASES = {
  "tsconfig.base.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@/*": ["src/*"], "~lib": ["src/lib/index.ts"] } } }),
  "tsconfig.json": '{\n  // the app\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": { "moduleResolution": "bundler", "module": "esnext", "jsx": "react-jsx", "strict": true },\n  "include": ["src"]\n}\n',
  "src/components/Button/Button.tsx": "export interface ButtonProps { label: string; variant: 'primary' | 'ghost' }\nexport function Button({ label }: ButtonProps) { return <button>{label}</button> }\n",
  "src/components/Button/index.ts": "export * from './Button.tsx'\n",
  "src/components/Icon.tsx": "export function Icon(props: { name: string }) { return <i>{props.name}</i> }\n",
  "src/components/Spinner.tsx": "export function Spinner() { return <span /> }\n",
  "src/components/index.ts": "export * from './Button'\nexport { Icon as Glyph } from './Icon'\nexport { Spinner } from './Spinner'\n",
  "src/lib/strings.ts": "export function slugify(text: string): string { return text }\n",
  "src/lib/index.ts": "export * from './strings.js'\n",
};

describe("tsconfig path aliases and barrels", () => {
  test("an alias to a barrel index.ts is followed to the files that declare what was imported, and only that", async () => {
    const modules = await follow({
      files: ALIASES,
      owned: { "src/pages/Home.tsx": "import { Button, type ButtonProps, Glyph } from '@/components'\nimport { slugify } from '~lib'\nexport default function Home() { return null }\n" },
    });
    expect(shown(modules)).toEqual({
      "src/components/index.ts": [
        ["src/components/Button/Button.tsx", "export interface ButtonProps { label: string; variant: 'primary' | 'ghost' }"],
        ["src/components/Button/Button.tsx", "export function Button({ label }: ButtonProps);"],
        ["src/components/Icon.tsx", "export function Icon(props: { name: string }); // re-exported by src/components/index.ts as Glyph"],
      ],
      "src/lib/index.ts": [["src/lib/strings.ts", "export function slugify(text: string): string;"]],
    });
    expect(modules[0]!.via).toEqual(["src/pages/Home.tsx imports '@/components'"]);
    expect(modules.flatMap((m) => m.declarations).every((d) => d.wanted)).toBe(true);
  });

  test("a module imported directly is shown whole, what the file imports marked as wanted", async () => {
    const modules = await follow({
      files: { ...ALIASES, "src/lib/strings.ts": "export function slugify(text: string): string { return text }\nexport const SEPARATOR = '-'\n" },
      owned: { "src/a.ts": "import { slugify } from '@/lib/strings'\nexport const s = slugify('x')\n" },
    });
    expect(modules[0]!.declarations.map((d) => [d.text, d.wanted])).toEqual([
      ["export function slugify(text: string): string;", true],
      ["export const SEPARATOR = '-'", false],
    ]);
  });
});

describe("relative imports", () => {
  const TYPES = { "src/types.ts": "export interface User {\n  id: number\n  displayName: string\n}\n" };

  test("with the .ts extension, without one, an index file, and a .d.ts module", async () => {
    const modules = await follow({
      files: {
        ...TYPES,
        "tsconfig.json": JSON.stringify({ compilerOptions: { moduleResolution: "bundler", module: "esnext", allowImportingTsExtensions: true, noEmit: true } }),
        "src/utils/index.ts": "export function clamp(n: number, lo: number, hi: number): number { return n }\n",
        "src/legacy.d.ts": "export declare function legacy(x: string): void\n",
      },
      owned: {
        "src/components/UserCard.tsx": "import type { User } from '../types.ts'\nimport { clamp } from '../utils'\nimport { legacy } from '../legacy'\nimport { useState } from 'react'\nimport './card.css'\nexport default function UserCard(p: { user: User }) { return null }\n",
      },
    });
    expect(Object.keys(shown(modules))).toEqual(["src/types.ts", "src/utils/index.ts", "src/legacy.d.ts"]);
    expect(modules[0]!.declarations[0]!.text).toContain("displayName: string");
  });

  test("nodenext: a .js specifier names the .ts file", async () => {
    const modules = await follow({
      files: { ...TYPES, "package.json": JSON.stringify({ type: "module" }), "tsconfig.json": JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext" } }) },
      owned: { "src/main.ts": "import type { User } from './types.js'\nexport const u: User | null = null\n" },
    });
    expect(Object.keys(shown(modules))).toEqual(["src/types.ts"]);
  });

  test("no tsconfig at all: relative imports still resolve", async () => {
    const modules = await follow({ files: TYPES, owned: { "src/main.ts": "import type { User } from './types'\nexport const u: User | null = null\n" } });
    expect(Object.keys(shown(modules))).toEqual(["src/types.ts"]);
  });

  test("files already shown whole (owned or read-only) are not repeated; an import of the file itself is ignored", async () => {
    const modules = await follow({
      files: { ...TYPES, "src/other.ts": "export const o = 1\n" },
      owned: { "src/a.ts": "import { b } from './b'\nimport type { User } from './types'\nimport { o } from './other'\nexport const a = b\n", "src/b.ts": "export const b = 1\n" },
      read: ["src/types.ts"],
    });
    expect(Object.keys(shown(modules))).toEqual(["src/other.ts"]);
  });
});

describe("a file the task creates", () => {
  test("is shown the modules its description names by path, aliases included", async () => {
    const modules = await follow({
      files: { ...ALIASES, "src/types.ts": "export type Id = string\n" },
      owned: { "src/pages/New.tsx": null },
      description: "Create src/pages/New.tsx: a page that lists Id values (the type in src/types.ts), renders an Icon from `src/components/Icon.tsx` and slugifies with @/lib/strings. Do not touch src/nowhere.ts.",
    });
    expect(Object.keys(shown(modules))).toEqual(["src/types.ts", "src/components/Icon.tsx", "src/lib/strings.ts"]);
    expect(modules[0]!.via).toEqual(["the task description names src/types.ts"]);
  });
});
