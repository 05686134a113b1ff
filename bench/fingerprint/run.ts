// The baseline cache's fingerprint of a workspace (orchestrator/src/verify/fingerprint.ts: path
// and sha256 of every project file), timed against the size+mtime fingerprint it replaced
// (size-mtime.ts), on three trees:
//
//   cd orchestrator && bun ../bench/fingerprint/run.ts [--runs N]
//
// Setup: the react-ts fixture and bench/verify's rxjs fixture installed (see bench/verify/README.md).
// Per tree: 1 warm-up of each, then N runs of each, alternating; the page cache is warm, as it is
// for a CLI run on a project someone is working on. Rewrites the "## Baseline fingerprint
// (bench/fingerprint)" section of bench/RESULTS.md.
import { cp, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fingerprint } from "../../orchestrator/src/verify/fingerprint.ts";
import { planChecks } from "../../orchestrator/src/verify/plan.ts";
import { createWorkspace, type TempWorkspace } from "../../orchestrator/testing/workspace.ts";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceSection, updateResults } from "../lib/results-md.ts";
import { median } from "../lib/stats.ts";
import { reactTs, rxjs, RXJS_FIXTURE } from "../verify/projects.ts";
import { sizeMtimeFingerprint } from "./size-mtime.ts";

const SECTION = "## Baseline fingerprint (bench/fingerprint)";
const DEFAULT_RUNS = 20;

interface Tree {
  name: string;
  open(): Promise<TempWorkspace>;
}

/**
 * A published package copied into a workspace as its own files; `rename` moves folders the
 * fingerprint skips by name (rxjs ships its builds in dist/) to where it does not.
 */
function packageTree(name: string, from: string, rename: Record<string, string> = {}): Tree {
  return {
    name,
    async open() {
      const ws = await createWorkspace({ template: "empty" });
      for (const e of await readdir(from, { withFileTypes: true })) {
        await cp(path.join(from, e.name), path.join(ws.dir, "vendor", rename[e.name] ?? e.name), { recursive: true });
      }
      return ws;
    },
  };
}

const ORCHESTRATOR_MODULES = path.resolve(import.meta.dir, "../../orchestrator/node_modules");
const TREES: Tree[] = [
  { name: "react-ts", open: reactTs.open },
  { name: "rxjs 7.8.2 src", open: rxjs.open },
  packageTree("rxjs 7.8.2 package (dist/ as builds/)", path.join(RXJS_FIXTURE, "node_modules", "rxjs"), { dist: "builds" }),
  packageTree("typescript 5.9.3 package", path.join(ORCHESTRATOR_MODULES, "typescript")),
];

async function treeSize(root: string, rel = ""): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    if (e.name === "node_modules") continue;
    const childRel = path.join(rel, e.name);
    if (e.isDirectory()) {
      const sub = await treeSize(root, childRel);
      files += sub.files;
      bytes += sub.bytes;
    } else if (e.isFile()) {
      files++;
      bytes += (await stat(path.join(root, childRel))).size;
    }
  }
  return { files, bytes };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  const rows: string[] = [];
  for (const tree of TREES) {
    await using ws = await tree.open();
    const plan = await planChecks(ws.dir, { timeoutFor: () => 60_000, bunPath: process.execPath });
    const size = await treeSize(ws.dir);
    const old: number[] = [];
    const now: number[] = [];
    await sizeMtimeFingerprint(ws.dir, plan);
    await fingerprint(ws.dir, plan);
    for (let i = 0; i < runs; i++) {
      old.push(await time(() => sizeMtimeFingerprint(ws.dir, plan)));
      now.push(await time(() => fingerprint(ws.dir, plan)));
    }
    const fmt = (xs: number[]) => `${median(xs).toFixed(1)} ms (${Math.min(...xs).toFixed(1)})`;
    rows.push(`| ${tree.name} | ${size.files} | ${(size.bytes / 1e6).toFixed(2)} MB | ${fmt(old)} | ${fmt(now)} | ${(median(now) / median(old)).toFixed(1)}x |`);
    console.log(rows.at(-1));
  }
  const date = new Date().toISOString().slice(0, 10);
  const body = [
    `Command: \`cd orchestrator && bun ../bench/fingerprint/run.ts${runs === DEFAULT_RUNS ? "" : ` --runs ${runs}`}\` (${date}, UTC).`,
    `Machine: ${coreCount()} cores, ${cpuModel()}; bun ${Bun.version}; shared with other work, so single runs vary.`,
    "",
    `What is timed: the baseline cache's key for a workspace, before every task's baseline run. **before**: path, size and mtime of every project file (bench/fingerprint/size-mtime.ts, the code it replaced); **after**: path and sha256 of every project file's content (orchestrator/src/verify/fingerprint.ts, 16 files read at a time). Both skip node_modules, .git and build output. ${runs} runs of each after 1 warm-up, alternating, warm page cache. Trees: the react-ts fixture; the rxjs 7.8.2 \`src/\` workspace of bench/verify; two published packages copied into a workspace as its own files (many small files: rxjs 7.8.2 with its four builds, its \`dist/\` renamed so it is not skipped; few large files: typescript 5.9.3, pinned by orchestrator/bun.lock).`,
    "",
    "| tree | files | bytes | before: size+mtime, median (min) | after: content sha256, median (min) | after / before |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  await updateResults((text) => replaceSection(text, SECTION, body));
}

await main();
