// The project facts: a few lines about the workspace that decide whether code written from
// memory compiles here. The framework majors (React 19 has no global JSX namespace), the module
// type, the tsconfig options that turn correct-looking code into errors (verbatimModuleSyntax,
// noUnusedLocals, erasableSyntaxOnly, the import extension rules) and the lint and test tools.
// Every line is read from this workspace; nothing is said that the workspace does not show.
import type * as TS from "typescript";
import { majorOf, readPackages, type PackageReader } from "./packages.ts";
import { NO_PROJECT, readTsProject, type TsProject } from "./tsconfig.ts";
import type { LoadTypeScript } from "../../source/typescript.ts";
import { recordingHost } from "./host.ts";

export interface ProjectFacts {
  lines: string[];
  /** Every absolute path read or probed, so a cache knows when the facts are stale. */
  touched: string[];
}

/** Packages whose major version changes how code for them is written, with the name people use. */
const FRAMEWORKS: ReadonlyArray<readonly [string, string]> = [
  ["react", "React"],
  ["preact", "Preact"],
  ["vue", "Vue"],
  ["svelte", "Svelte"],
  ["solid-js", "Solid"],
  ["@angular/core", "Angular"],
  ["next", "Next.js"],
  ["nuxt", "Nuxt"],
  ["@sveltejs/kit", "SvelteKit"],
  ["astro", "Astro"],
  ["react-router", "React Router"],
  ["@tanstack/react-query", "TanStack Query"],
  ["tailwindcss", "Tailwind CSS"],
  ["zod", "zod"],
  ["express", "Express"],
  ["hono", "Hono"],
  ["vite", "Vite"],
  ["typescript", "TypeScript"],
];

export async function readProjectFacts(root: string, loadTs: LoadTypeScript): Promise<ProjectFacts> {
  const pkgs = readPackages(root);
  // The compiler is loaded only for a workspace that has a tsconfig.json to read.
  let project: TsProject = NO_PROJECT;
  if (pkgs.exists("tsconfig.json")) {
    const ts = await loadTs();
    const host = recordingHost(ts, false, pkgs.touched);
    project = readTsProject(ts, root, null, host);
    return { lines: factLines(pkgs, project, ts), touched: [...pkgs.touched] };
  }
  return { lines: factLines(pkgs, project, null), touched: [...pkgs.touched] };
}

function factLines(pkgs: PackageReader, project: TsProject, ts: typeof TS | null): string[] {
  return [...frameworkLines(pkgs), ...moduleLines(pkgs), ...(ts ? compilerLines(project, pkgs, ts) : []), ...lintLines(pkgs), ...testLines(pkgs)];
}

/**
 * "React 19 (19.3.1 installed)" for a package package.json names, or its range when node_modules
 * does not have it. A package only installed as another one's dependency is not the project's.
 */
function versionOf(pkgs: PackageReader, name: string, label: string): string | null {
  const declared = pkgs.declared(name);
  if (!declared) return null;
  const installed = pkgs.installed(name);
  if (installed) return `${label} ${majorOf(installed) ?? installed} (${installed} installed)`;
  const major = majorOf(declared);
  return `${label}${major === null ? "" : ` ${major}`} (package.json: ${declared}; not installed)`;
}

function majorIn(pkgs: PackageReader, name: string): number | null {
  const v = pkgs.installed(name) ?? pkgs.declared(name);
  return v === null ? null : majorOf(v);
}

function frameworkLines(pkgs: PackageReader): string[] {
  const lines: string[] = [];
  for (const [name, label] of FRAMEWORKS) {
    const line = versionOf(pkgs, name, label);
    if (!line) continue;
    // @types/react 19 removed the global JSX namespace: `JSX.Element` no longer compiles.
    const typesMajor = name === "react" ? majorIn(pkgs, "@types/react") : null;
    lines.push(typesMajor !== null && typesMajor >= 19 ? `${line}; its types have no global JSX namespace: use React.JSX.Element or import type { JSX } from 'react'` : line);
  }
  return lines;
}

function moduleLines(pkgs: PackageReader): string[] {
  if (!pkgs.manifest) return [];
  return pkgs.manifest.type === "module"
    ? [`ES modules: package.json has "type": "module"`]
    : [`package.json has no "type": "module": .js files are CommonJS`];
}

const JSX_NAMES: Record<number, string> = { 1: "preserve", 2: "react", 3: "react-native", 4: "react-jsx", 5: "react-jsxdev" };

function compilerLines(project: TsProject, pkgs: PackageReader, ts: typeof TS): string[] {
  if (project.configFile === null) return [];
  const o = project.options;
  const at = project.configFile;
  const lines = [o.strict ? `${at}: strict is on` : `${at}: strict is off`];
  if (o.noUncheckedIndexedAccess) lines.push(`${at}: noUncheckedIndexedAccess: an index access (list[i], record[key]) may be undefined`);
  if (o.exactOptionalPropertyTypes) lines.push(`${at}: exactOptionalPropertyTypes: an optional property takes undefined only when its type says so`);
  if (o.verbatimModuleSyntax) {
    lines.push(`${at}: verbatimModuleSyntax: import a type with \`import type { T }\` (or \`import { type T }\`); a plain import of a type is an error`);
  } else if (o.isolatedModules) {
    lines.push(`${at}: isolatedModules: re-export a type with \`export type { T }\``);
  }
  if (o.jsx !== undefined) lines.push(`${at}: ${jsxLine(o)}`);
  const unused = [o.noUnusedLocals && "noUnusedLocals", o.noUnusedParameters && "noUnusedParameters"].filter(Boolean);
  if (unused.length > 0) {
    const what = o.noUnusedLocals ? (o.noUnusedParameters ? "import, variable or parameter" : "import or variable") : "parameter";
    lines.push(`${at}: ${unused.join(" and ")}: an unused ${what} is an error`);
  }
  if (o.erasableSyntaxOnly) lines.push(`${at}: erasableSyntaxOnly: no enum, namespace, parameter property or \`import x =\`; use unions and plain objects`);
  const imports = importLine(o, pkgs, ts);
  if (imports) lines.push(`${at}: ${imports}`);
  return lines;
}

function jsxLine(o: TS.CompilerOptions): string {
  const name = JSX_NAMES[o.jsx!] ?? String(o.jsx);
  if (name === "react-jsx" || name === "react-jsxdev") return `jsx ${name}: JSX needs no React import${o.jsxImportSource ? ` (runtime from ${o.jsxImportSource})` : ""}`;
  if (name === "react") return "jsx react: a file with JSX must import React";
  return `jsx ${name}`;
}

/** moduleResolution and what it means for a relative import's extension. */
function importLine(o: TS.CompilerOptions, pkgs: PackageReader, ts: typeof TS): string | null {
  const kind = o.moduleResolution;
  const K = ts.ModuleResolutionKind;
  const name = kind === K.Bundler ? "bundler" : kind === K.NodeNext ? "nodenext" : kind === K.Node16 ? "node16" : kind === K.Node10 ? "node10" : null;
  const prefix = name ? `moduleResolution ${name}` : null;
  if (o.allowImportingTsExtensions || o.rewriteRelativeImportExtensions) {
    const flag = o.allowImportingTsExtensions ? "allowImportingTsExtensions" : "rewriteRelativeImportExtensions";
    return `${prefix ? `${prefix} with ` : ""}${flag}: a relative import may name the .ts/.tsx file (import { T } from './types.ts')`;
  }
  if ((name === "nodenext" || name === "node16") && pkgs.manifest?.type === "module") {
    return `${prefix}: a relative import must name the .js file even for a .ts source (import { T } from './types.js')`;
  }
  if (name === "bundler") return `${prefix}: a relative import leaves out the extension (or uses .js); a .ts extension is an error`;
  return prefix;
}

const ESLINT_CONFIGS = ["eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml", ".eslintrc"];

function lintLines(pkgs: PackageReader): string[] {
  const lines: string[] = [];
  const script = pkgs.manifest?.scripts?.lint;
  const runs = script ? `; the lint script runs \`${script}\`` : "";
  const eslintConfig = ESLINT_CONFIGS.find((f) => pkgs.exists(f));
  if (eslintConfig || pkgs.declared("eslint")) {
    const tseslint = versionOf(pkgs, "typescript-eslint", "typescript-eslint") ?? versionOf(pkgs, "@typescript-eslint/eslint-plugin", "typescript-eslint");
    const parts = [bare(versionOf(pkgs, "eslint", "ESLint")) ?? "ESLint", eslintConfig ? ` (${eslintConfig})` : "", tseslint ? ` with ${bare(tseslint)}` : ""];
    lines.push(`Lint: ${parts.join("")}${runs}`);
  }
  const biomeConfig = ["biome.json", "biome.jsonc"].find((f) => pkgs.exists(f));
  if (biomeConfig || pkgs.declared("@biomejs/biome")) lines.push(`Lint: ${bare(versionOf(pkgs, "@biomejs/biome", "Biome")) ?? "Biome"}${biomeConfig ? ` (${biomeConfig})` : ""}${runs}`);
  const oxlintConfig = [".oxlintrc.json", "oxlint.json"].find((f) => pkgs.exists(f));
  if (oxlintConfig || pkgs.declared("oxlint")) lines.push(`Lint: ${bare(versionOf(pkgs, "oxlint", "oxlint")) ?? "oxlint"}${oxlintConfig ? ` (${oxlintConfig})` : ""}${runs}`);
  return lines;
}

const TEST_TOOLS: ReadonlyArray<readonly [string, string]> = [
  ["vitest", "Vitest"],
  ["jest", "Jest"],
  ["mocha", "Mocha"],
  ["ava", "AVA"],
  ["@playwright/test", "Playwright"],
  ["cypress", "Cypress"],
];

function testLines(pkgs: PackageReader): string[] {
  const script = pkgs.manifest?.scripts?.test;
  const runs = script ? `; the test script runs \`${script}\`` : "";
  const tools = TEST_TOOLS.flatMap(([name, label]) => {
    const v = bare(versionOf(pkgs, name, label));
    return v ? [v] : [];
  });
  if (script && /\bbun test\b/.test(script)) tools.push("bun test (import from 'bun:test')");
  if (script && /\bnode\b.*--test\b/.test(script)) tools.push("node:test");
  return tools.length === 0 ? [] : [`Tests: ${tools.join(", ")}${runs}`];
}

/** "Vitest 3 (3.2.1 installed)" -> "Vitest 3": the tool lines keep to the major. */
function bare(line: string | null): string | null {
  return line === null ? null : line.replace(/ \(.*\)$/, "");
}
