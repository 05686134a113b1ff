// What showing the model its context costs: loading the TypeScript compiler (a fresh process,
// N times), reading real modules' exported declarations, following a file's imports on a real
// project and fitting what it reached into a prompt (counted with Qwen's tokenizer), and
// gathering a whole task's context on the react-ts fixture.
//
//   cd orchestrator && bun ../bench/context/run.ts [--runs N]
//
// Setup (once; pinned by their bun.lock files):
//   cd orchestrator/testing/fixtures/react-ts && bun install --frozen-lockfile
//   cd bench/verify/fixtures/rxjs && bun install --frozen-lockfile
//
// Corpus: the .ts sources rxjs 7.8.2 ships (bench/verify/fixtures/rxjs/node_modules/rxjs/src)
// and those of openai and zod in orchestrator/node_modules (pinned by orchestrator/bun.lock).
// Rewrites the "## Context (bench/context)" section of bench/RESULTS.md.
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_TIERS } from "../../orchestrator/src/core/defaults.ts";
import { fitPrompt, outlineCache } from "../../orchestrator/src/executor/budget.ts";
import { readExports } from "../../orchestrator/src/executor/context/declarations.ts";
import { fitContext } from "../../orchestrator/src/executor/context/fit.ts";
import { followImports, type ImportedModule } from "../../orchestrator/src/executor/context/imports.ts";
import { createTokenCounters } from "../../orchestrator/src/executor/tokens/counter.ts";
import { outlineOf } from "../../orchestrator/src/source/outline.ts";
import { createTypeInference } from "../../orchestrator/src/executor/context/infer.ts";
import { recordingHost } from "../../orchestrator/src/executor/context/host.ts";
import { loadTypeScript } from "../../orchestrator/src/source/typescript.ts";
import { createWorkspace } from "../../orchestrator/testing/workspace.ts";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceSection, updateResults } from "../lib/results-md.ts";
import { maxOf, median, quantile, sum } from "../lib/stats.ts";

const SECTION = "## Context (bench/context)";
const ORCH = path.resolve(import.meta.dir, "..", "..", "orchestrator");
const RXJS_SRC = path.resolve(import.meta.dir, "..", "verify", "fixtures", "rxjs", "node_modules", "rxjs", "src");
const RXJS_TSCONFIG = path.resolve(import.meta.dir, "..", "verify", "fixtures", "rxjs", "tsconfig.json");

function parseRuns(argv: string[]): number {
  if (argv.length === 0) return 5;
  const [flag, value] = argv;
  const runs = Number(value);
  if (flag !== "--runs" || !Number.isInteger(runs) || runs < 1) throw new Error("usage: bun ../bench/context/run.ts [--runs N]");
  return runs;
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(".ts")) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

interface Probe {
  loadMs: number;
  rssBefore: number;
  rssLoaded: number;
  rssAfter: number;
  gatherColdMs: number;
  gatherWarmMs: number;
  facts: number;
  modules: number;
}

/** N fresh processes: the compiler's load, then a task's context gathered twice. */
async function probeProcesses(runs: number): Promise<Probe[]> {
  await using ws = await createWorkspace({
    template: "react-ts",
    files: {
      "src/types.ts": "export interface User {\n  id: number\n  displayName: string\n}\n",
      "src/components/UserCard.tsx": "import type { User } from '../types.ts'\n\nexport default function UserCard({ user }: { user: User }) {\n  return <h3>{user.displayName}</h3>\n}\n",
    },
  });
  const probes: Probe[] = [];
  for (let i = 0; i < runs; i++) {
    const proc = Bun.spawnSync([process.execPath, path.join(import.meta.dir, "probe.ts"), ws.dir, "src/components/UserCard.tsx"], { cwd: ORCH });
    if (proc.exitCode !== 0) throw new Error(`probe failed: ${proc.stderr.toString()}`);
    probes.push(JSON.parse(proc.stdout.toString()) as Probe);
  }
  return probes;
}

interface Timed {
  file: string;
  bytes: number;
  ms: number;
  count: number;
}

function timeEach<T>(items: readonly T[], passes: number, run: (item: T) => { file: string; bytes: number; count: number }): Timed[] {
  const samples = new Map<string, { bytes: number; count: number; ms: number[] }>();
  for (let pass = 0; pass < passes; pass++) {
    for (const item of items) {
      const t = performance.now();
      const r = run(item);
      const ms = performance.now() - t;
      const s = samples.get(r.file) ?? { bytes: r.bytes, count: r.count, ms: [] };
      s.ms.push(ms);
      samples.set(r.file, s);
    }
  }
  return [...samples].map(([file, s]) => ({ file, bytes: s.bytes, count: s.count, ms: median(s.ms) }));
}

/**
 * Each file's first prompt at the fast tier, then the declarations its imports reached fitted
 * into the room that prompt leaves: one pass, every text counted for the first time (as on a
 * task's first attempt; a retry finds its counts remembered). `bytes` is the declarations' text.
 */
async function timeFits(owned: readonly string[], contents: ReadonlyMap<string, string>, reached: ReadonlyMap<string, ImportedModule[]>): Promise<Timed[]> {
  const counter = await createTokenCounters().load("qwen2.5");
  const outline = outlineCache(outlineOf);
  const out: Timed[] = [];
  for (const file of owned) {
    const imports = reached.get(file) ?? [];
    if (imports.length === 0) continue;
    const task = { description: `change ${file}`, filesOwned: [file] };
    const fit = await fitPrompt({ task, files: new Map([[file, contents.get(file)!]]), previous: null }, DEFAULT_TIERS.fast, counter, outline);
    if (!fit.ok) continue;
    const t = performance.now();
    const sent = fitContext(fit, { facts: [], readOnly: [], imports, problems: [] }, counter);
    const ms = performance.now() - t;
    const bytes = imports.reduce((n, m) => n + m.declarations.reduce((k, d) => k + d.text.length, 0), 0);
    out.push({ file, bytes, ms, count: sent.tokensByPart.imports });
  }
  return out;
}

function row(name: string, timed: Timed[], what: string): string {
  const kb = sum(timed.map((t) => t.bytes)) / 1024;
  const slowest = timed.reduce((a, b) => (b.ms > a.ms ? b : a));
  return `| ${name} | ${timed.length} (${kb.toFixed(0)} KB) | ${median(timed.map((t) => t.ms)).toFixed(2)} ms | ${quantile(timed.map((t) => t.ms), 0.9).toFixed(2)} ms | ${maxOf(timed.map((t) => t.ms)).toFixed(1)} ms (${path.basename(slowest.file)}, ${(slowest.bytes / 1024).toFixed(0)} KB) | ${((sum(timed.map((t) => t.ms)) / kb) * 100).toFixed(1)} ms | ${sum(timed.map((t) => t.count))} ${what} |`;
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const started = performance.now();
  const probes = await probeProcesses(runs);

  const ts = await loadTypeScript();
  const corpus = [...(await tsFiles(RXJS_SRC)), ...(await tsFiles(path.join(ORCH, "node_modules/openai/src"))), ...(await tsFiles(path.join(ORCH, "node_modules/zod/src")))];
  const texts = await Promise.all(corpus.map(async (file) => ({ file, text: await readFile(file, "utf8") })));
  // One untimed pass first, so the timings are of warm code, as in a run's second task onwards.
  const outline = ({ file, text }: { file: string; text: string }) => ({ file, bytes: text.length, count: readExports(ts, file, text).declarations.length });
  texts.forEach(outline);
  const outlined = timeEach(texts, 3, outline);
  // The same with the types TypeScript infers (a checker per module, the standard library parsed
  // once per task): first the library's parse, then per module.
  const libStarted = performance.now();
  readExports(ts, "first.ts", "export function one() { return 1 }\n", createTypeInference(ts));
  const libMs = performance.now() - libStarted;
  const inference = createTypeInference(ts);
  const outlineTyped = ({ file, text }: { file: string; text: string }) => ({ file, bytes: text.length, count: readExports(ts, file, text, inference).declarations.length });
  texts.forEach(outlineTyped);
  const typed = timeEach(texts, 1, outlineTyped);

  // Import following on a copy of rxjs's sources as a workspace (a path under node_modules is never followed).
  const root = await mkdtemp(path.join(os.tmpdir(), "smol-bench-context-"));
  let followed: Timed[];
  let fitted: Timed[];
  try {
    await cp(RXJS_SRC, path.join(root, "src"), { recursive: true });
    await cp(RXJS_TSCONFIG, path.join(root, "tsconfig.json"));
    const owned = (await tsFiles(path.join(root, "src"))).map((abs) => path.relative(root, abs));
    const contents = new Map(await Promise.all(owned.map(async (f) => [f, await readFile(path.join(root, f), "utf8")] as const)));
    // Each file as its own task, sharing the parsed standard library as the tasks of a run do.
    const libraries = new Map();
    const reached = new Map<string, ImportedModule[]>();
    const follow = (file: string) => {
      const input = { root, files: new Map([[file, contents.get(file)!]]), description: "", shownWhole: new Set([file]) };
      const modules = followImports(ts, input, recordingHost(ts), createTypeInference(ts, libraries));
      reached.set(file, modules);
      return { file, bytes: contents.get(file)!.length, count: modules.length };
    };
    owned.forEach(follow);
    followed = timeEach(owned, 3, follow);
    fitted = await timeFits(owned, contents, reached);
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  const p = (f: (x: Probe) => number) => `${median(probes.map(f)).toFixed(0)} (${Math.min(...probes.map(f)).toFixed(0)}–${Math.max(...probes.map(f)).toFixed(0)})`;
  const date = new Date().toISOString().slice(0, 10);
  const body = [
    `Command: \`cd orchestrator && bun ../bench/context/run.ts${runs === 5 ? "" : ` --runs ${runs}`}\` (${date}, UTC; took ${((performance.now() - started) / 1000).toFixed(0)} s).`,
    `Machine: ${coreCount()} cores, ${cpuModel()}; bun ${Bun.version}; typescript ${ts.version}. The machine is shared: times are medians, and other load makes them noisy.`,
    "",
    `Loading the compiler and gathering a task's context, in ${runs} fresh processes (bench/context/probe.ts): the react-ts fixture, a task that owns src/components/UserCard.tsx, which imports ../types.ts. Median (min–max):`,
    "",
    "| `await import(\"typescript\")` | RSS before → after loading | gather, first task (facts + imports) | gather, next task (facts cached) | RSS after |",
    "| --- | --- | --- | --- | --- |",
    `| ${p((x) => x.loadMs)} ms | ${p((x) => x.rssBefore)} → ${p((x) => x.rssLoaded)} MB | ${p((x) => x.gatherColdMs)} ms | ${p((x) => x.gatherWarmMs)} ms | ${p((x) => x.rssAfter)} MB |`,
    "",
    `Per file, warm (median of 3 passes after an untimed one; 1 pass with inferred types): reading the exported declarations parses a module and renders them; with inferred types it also checks the module against the standard library, for the return types and long constants' types it does not write (parsing the library first took ${libMs.toFixed(0)} ms, once per run: the tasks of a run share it); following parses an owned file, resolves its imports with the compiler's resolver (rxjs's tsconfig) and reads the exported declarations of each local module it reaches (its barrels followed), with inferred types; fitting puts what following reached into the room the file's first prompt leaves at the fast tier's window (16384, 4096 for the reply), counted with Qwen's tokenizer, one pass with every text counted for the first time ("files" are those whose imports reached a module; "KB" is the declarations' text; "found" the tokens of declarations shown).`,
    "",
    "| step | files | median | p90 | slowest | per 100 KB | found |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    row("exported declarations (rxjs, openai, zod sources)", outlined, "declarations"),
    row("exported declarations with inferred types", typed, "declarations"),
    row("follow imports (each rxjs source as a task's owned file)", followed, "modules"),
    row("fit them into the fast tier's prompt (Qwen's count)", fitted, "tokens"),
    "",
    `The compiler is loaded only when a task owns a file with imports to read, or the workspace has a tsconfig.json to read facts from, and once per process. A run pays the load once (about ${median(probes.map((x) => x.loadMs)).toFixed(0)} ms here) and the library's parse once when a type must be inferred, then milliseconds per file; the model call they precede takes seconds. A namespace import of a whole library's barrel (rxjs's umd.ts) is the slow case: every module behind it is read, and the prompt budget then keeps what fits.`,
  ].join("\n");
  process.stdout.write(`${body}\n`);
  await updateResults((text) => replaceSection(text, SECTION, body));
}

await main();
