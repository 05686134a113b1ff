// One fresh process of the token-count bench: loads Qwen's tokenizer, then fits prompts of a
// real file's first N characters the way the task loop does, and prints what each step cost as
// JSON. Run by run.ts; alone: `cd orchestrator && bun ../bench/tokens/probe.ts 30000`.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_TIERS } from "../../orchestrator/src/core/defaults.ts";
import { fitPrompt, outlineCache } from "../../orchestrator/src/executor/budget.ts";
import { createTokenCounters } from "../../orchestrator/src/executor/tokens/counter.ts";
import { estimateTextTokens } from "../../orchestrator/src/executor/tokens/estimate.ts";
import { outlineOf } from "../../orchestrator/src/source/outline.ts";
import { selfCpuMs } from "../lib/machine.ts";

export const SOURCE = "openai/src/resources/chat/completions/completions.ts";
const FILE = "src/completions.ts";

export interface ProbeResult {
  chars: number;
  fileTokens: number;
  loadMs: number;
  loadCpuMs: number;
  rssBeforeMb: number;
  rssAfterLoadMb: number;
  /** The first prompt at deep (the whole file), then the retry's (same file, new feedback). */
  firstFitMs: number;
  firstFitCpuMs: number;
  retryFitMs: number;
  retryFitCpuMs: number;
  promptTokens: number;
  /** The file's outline, the first in the process: the TypeScript parser imported, then run. */
  outlineMs: number;
  outlineCpuMs: number;
  /** The same file at fast, where it does not fit whole: outline (already made) and excerpts; null when it fits whole there. */
  excerptFitMs: number | null;
  excerptFitCpuMs: number | null;
  rssEndMb: number;
  estimateMs: number;
}

const mb = () => process.memoryUsage().rss / 2 ** 20;

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; cpu: number; value: T }> {
  const t0 = performance.now();
  const c0 = selfCpuMs();
  const value = await fn();
  return { ms: performance.now() - t0, cpu: selfCpuMs() - c0, value };
}

export async function probe(chars: number): Promise<ProbeResult> {
  const text = (await readFile(path.resolve(import.meta.dir, "../../orchestrator/node_modules", SOURCE), "utf8")).slice(0, chars);
  const content = text.slice(0, text.lastIndexOf("\n") + 1);
  const rssBeforeMb = mb();
  const counters = createTokenCounters();
  const load = await time(() => counters.load("qwen2.5"));
  const counter = load.value;
  const rssAfterLoadMb = mb();
  const task = { description: "Rename the local variable `body` to `params` in Completions.create.", filesOwned: [FILE] };
  const files = new Map([[FILE, content]]);
  const outline = outlineCache(outlineOf);
  const first = await time(() => fitPrompt({ task, files, previous: null }, DEFAULT_TIERS.deep, counter, outline));
  const previous = { diff: `--- a/${FILE}\n+++ b/${FILE}\n`, errors: [`${FILE}(200,5): error TS2304: Cannot find name 'params'.`], formatRefused: false };
  const retry = await time(() => fitPrompt({ task, files, previous }, DEFAULT_TIERS.deep, counter, outline));
  const parse = await time(() => outline(FILE, content));
  const fast = await time(() => fitPrompt({ task, files, previous: null }, DEFAULT_TIERS.fast, counter, outline));
  const excerpted = fast.value.ok && fast.value.excerpts.length > 0;
  const estimate = await time(() => estimateTextTokens(content));
  return {
    chars: content.length,
    fileTokens: counter.text(content),
    loadMs: load.ms,
    loadCpuMs: load.cpu,
    rssBeforeMb,
    rssAfterLoadMb,
    firstFitMs: first.ms,
    firstFitCpuMs: first.cpu,
    retryFitMs: retry.ms,
    retryFitCpuMs: retry.cpu,
    promptTokens: first.value.tokens,
    outlineMs: parse.ms,
    outlineCpuMs: parse.cpu,
    excerptFitMs: excerpted ? fast.ms : null,
    excerptFitCpuMs: excerpted ? fast.cpu : null,
    rssEndMb: mb(),
    estimateMs: estimate.ms,
  };
}

if (import.meta.main) console.log(JSON.stringify(await probe(Number(process.argv[2] ?? 30_000))));
