// The project facts: read from real workspaces (the Vite react-ts fixture with its installed
// React 19 and its own tsconfig, and small workspaces written here), only what each one shows.
import { describe, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createFactsCache } from "../../../src/executor/context/facts-cache.ts";
import { readProjectFacts } from "../../../src/executor/context/facts.ts";
import { loadTypeScript, type LoadTypeScript } from "../../../src/source/typescript.ts";
import { createWorkspace } from "../../../testing/workspace.ts";

const noCompiler: LoadTypeScript = () => Promise.reject(new Error("the compiler must not be loaded for this workspace"));

async function factsOf(files: Record<string, string>, loadTs: LoadTypeScript = loadTypeScript): Promise<string[]> {
  await using ws = await createWorkspace({ template: "empty", files });
  return (await readProjectFacts(ws.dir, loadTs)).lines;
}

describe("the Vite react-ts fixture", () => {
  test("names React's installed major, the module type, the tsconfig options that matter, and the lint tool", async () => {
    await using ws = await createWorkspace({ template: "react-ts" });
    const { lines, touched } = await readProjectFacts(ws.dir, loadTypeScript);
    expect(lines).toEqual([
      "React 19 (19.3.1 installed); its types have no global JSX namespace: use React.JSX.Element or import type { JSX } from 'react'",
      "Vite 8 (8.3.8 installed)",
      "TypeScript 5 (5.9.3 installed)",
      'ES modules: package.json has "type": "module"',
      "tsconfig.json: strict is on",
      "tsconfig.json: verbatimModuleSyntax: import a type with `import type { T }` (or `import { type T }`); a plain import of a type is an error",
      "tsconfig.json: jsx react-jsx: JSX needs no React import",
      "tsconfig.json: noUnusedLocals and noUnusedParameters: an unused import, variable or parameter is an error",
      "tsconfig.json: moduleResolution bundler with allowImportingTsExtensions: a relative import may name the .ts/.tsx file (import { T } from './types.ts')",
      "Lint: ESLint 10 (eslint.config.js) with typescript-eslint 8; the lint script runs `eslint src`",
    ]);
    // Packages only installed as another's dependency are not the project's (the fixture has zod in node_modules).
    expect(lines.join("\n")).not.toContain("zod");
    expect(touched).toContain(path.join(ws.dir, "node_modules", "react", "package.json"));
  });
});

describe("only what the workspace shows", () => {
  test("no tsconfig.json: no compiler lines, and the compiler is not loaded", async () => {
    const lines = await factsOf({ "package.json": JSON.stringify({ dependencies: { vue: "^3.5.0" } }) }, noCompiler);
    expect(lines).toEqual(["Vue 3 (package.json: ^3.5.0; not installed)", 'package.json has no "type": "module": .js files are CommonJS']);
  });

  test("no package.json: nothing at all", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    await Bun.file(path.join(ws.dir, "package.json")).delete();
    expect((await readProjectFacts(ws.dir, noCompiler)).lines).toEqual([]);
  });

  test("options come through `extends` (JSON with comments), and off options say nothing", async () => {
    const lines = await factsOf({
      "package.json": JSON.stringify({ type: "module", devDependencies: { typescript: "~5.9.3" } }),
      "configs/base.json": '{\n  // shared\n  "compilerOptions": { "noUnusedParameters": true, "erasableSyntaxOnly": true, "strict": false }\n}\n',
      "tsconfig.json": '{ "extends": "./configs/base.json", "compilerOptions": { "moduleResolution": "bundler", "module": "esnext" } }',
    });
    expect(lines).toEqual([
      "TypeScript 5 (package.json: ~5.9.3; not installed)",
      'ES modules: package.json has "type": "module"',
      "tsconfig.json: strict is off",
      "tsconfig.json: noUnusedParameters: an unused parameter is an error",
      "tsconfig.json: erasableSyntaxOnly: no enum, namespace, parameter property or `import x =`; use unions and plain objects",
      "tsconfig.json: moduleResolution bundler: a relative import leaves out the extension (or uses .js); a .ts extension is an error",
    ]);
  });

  test("nodenext in an ES module package: imports name the .js file", async () => {
    const lines = await factsOf({
      "package.json": JSON.stringify({ type: "module" }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", strict: true, noUncheckedIndexedAccess: true } }),
    });
    expect(lines).toContain("tsconfig.json: moduleResolution nodenext: a relative import must name the .js file even for a .ts source (import { T } from './types.js')");
    expect(lines).toContain("tsconfig.json: noUncheckedIndexedAccess: an index access (list[i], record[key]) may be undefined");
  });

  test("a solution-style tsconfig (Vite's current template) is read through its reference that holds src/", async () => {
    const lines = await factsOf({
      "package.json": JSON.stringify({ type: "module" }),
      "tsconfig.json": JSON.stringify({ files: [], references: [{ path: "./tsconfig.node.json" }, { path: "./tsconfig.app.json" }] }),
      "tsconfig.node.json": JSON.stringify({ compilerOptions: { strict: true }, include: ["vite.config.ts"] }),
      "tsconfig.app.json": JSON.stringify({ compilerOptions: { strict: true, verbatimModuleSyntax: true, jsx: "react-jsx" }, include: ["src"] }),
      "vite.config.ts": "export default {}\n",
      "src/main.tsx": "export {}\n",
    });
    expect(lines).toContain("tsconfig.app.json: verbatimModuleSyntax: import a type with `import type { T }` (or `import { type T }`); a plain import of a type is an error");
    expect(lines).toContain("tsconfig.app.json: jsx react-jsx: JSX needs no React import");
  });

  test("lint and test tools, with the scripts that run them", async () => {
    const lines = await factsOf({
      "package.json": JSON.stringify({
        scripts: { lint: "biome check src", test: "vitest run" },
        devDependencies: { "@biomejs/biome": "2.1.0", vitest: "^3.2.0" },
      }),
      "biome.json": "{}",
    }, noCompiler);
    expect(lines).toContain("Lint: Biome 2 (biome.json); the lint script runs `biome check src`");
    expect(lines).toContain("Tests: Vitest 3; the test script runs `vitest run`");
    const bun = await factsOf({ "package.json": JSON.stringify({ scripts: { test: "bun test" } }) }, noCompiler);
    expect(bun).toContain("Tests: bun test (import from 'bun:test'); the test script runs `bun test`");
  });

  test("React 18 gets no JSX note; React 19 without @types/react 19 gets none either", async () => {
    const r18 = await factsOf({ "package.json": JSON.stringify({ dependencies: { react: "^18.3.1" }, devDependencies: { "@types/react": "^18.3.0" } }) }, noCompiler);
    expect(r18[0]).toBe("React 18 (package.json: ^18.3.1; not installed)");
    const r19 = await factsOf({ "package.json": JSON.stringify({ dependencies: { react: "^19.0.0" } }) }, noCompiler);
    expect(r19[0]).toBe("React 19 (package.json: ^19.0.0; not installed)");
  });
});

describe("the facts cache", () => {
  test("reads once per workspace state: again only after a file it read changes", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "package.json": JSON.stringify({ dependencies: { react: "^18.0.0" } }) } });
    let reads = 0;
    const cache = createFactsCache({
      loadTs: noCompiler,
      read: (root, loadTs) => {
        reads++;
        return readProjectFacts(root, loadTs);
      },
    });
    const [a, b] = await Promise.all([cache.get(ws.dir), cache.get(ws.dir)]);
    expect(a).toEqual(b);
    expect(await cache.get(ws.dir)).toEqual(a);
    expect(reads).toBe(1);

    await writeFile(path.join(ws.dir, "package.json"), JSON.stringify({ dependencies: { react: "^19.0.0" } }));
    expect((await cache.get(ws.dir))[0]).toBe("React 19 (package.json: ^19.0.0; not installed)");
    expect(reads).toBe(2);
    // A file that was missing and now exists counts as a change too.
    await writeFile(path.join(ws.dir, "biome.json"), "{}");
    expect(await cache.get(ws.dir)).toContain("Lint: Biome (biome.json)");
    expect(reads).toBe(3);
  });
});
