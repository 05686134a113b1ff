// One fresh process's cost of the context: loading the TypeScript compiler, then gathering a
// task's context on a workspace (facts, imports), cold and again warm. Prints one JSON line.
//
//   bun ../bench/context/probe.ts WORKSPACE OWNED_FILE
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createContextCache } from "../../orchestrator/src/executor/context/cache.ts";
import { gatherContext } from "../../orchestrator/src/executor/context/gather.ts";
import { loadTypeScript } from "../../orchestrator/src/source/typescript.ts";

const [workspace, owned] = Bun.argv.slice(2);
if (!workspace || !owned) throw new Error("usage: probe.ts WORKSPACE OWNED_FILE");
const rss = () => process.memoryUsage().rss / 1e6;

const rssBefore = rss();
let t = performance.now();
await loadTypeScript();
const loadMs = performance.now() - t;
const rssLoaded = rss();

const content = await readFile(path.join(workspace, owned), "utf8");
const cache = createContextCache();
const input = {
  root: workspace,
  task: { description: `change ${owned}`, filesOwned: [owned] },
  files: new Map([[owned, content]]),
  settings: { imports: true, facts: true },
};
t = performance.now();
const cold = await gatherContext(input, { cache });
const gatherColdMs = performance.now() - t;
t = performance.now();
await gatherContext(input, { cache });
const gatherWarmMs = performance.now() - t;

process.stdout.write(
  `${JSON.stringify({ loadMs, rssBefore, rssLoaded, rssAfter: rss(), gatherColdMs, gatherWarmMs, facts: cold.facts.length, modules: cold.imports.length })}\n`,
);
