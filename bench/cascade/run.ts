// The cascade benchmark: the task suite in bench/tasks, run in three modes, judged by hidden tests.
//
//   cd orchestrator && bun ../bench/cascade/run.ts [options]
//
//   --endpoint URL        OpenAI-compatible endpoint (default: $LITELLM_URL or http://localhost:4000/v1)
//   --api-key K           its key (default: $LITELLM_API_KEY or dev-key)
//   --model-fast NAME     model of each tier, written into the mode's config (default: $SMOL_MODEL_*
//   --model-deep NAME     or smol-coder's defaults fast-coder / deep-coder / reviewer, the LiteLLM
//   --model-reviewer NAME aliases); give the real names when pointing at Ollama directly
//   --modes fast,deep,cascade   which modes (default all three)
//   --context on|off|both  run with smol-coder's context (project facts, imported declarations),
//                         without it (context.imports and context.facts off), or both (default on)
//   --tasks N | a,b       the first N tasks, or tasks by id / id prefix (default all)
//   --parallel N          tasks run at once (default 2)
//   --verify-scripts a,b  verify.scripts for every run (default: the workspace's typecheck, lint, build)
//   --recorded            serve recorded replies (bench/cascade/recordings.ts) from an in-process
//                         scripted server instead of calling a model: a harness check
//   --self-check          check the suite instead of running it (see self-check.ts)
//   --out DIR             keep each run's events, result file, stderr and hidden-test output there
//   --json FILE           also write the summary as JSON
//
// Modes (bench/cascade/modes.ts): fast = fast tier only, deep = deep tier only, cascade = the
// defaults (fast, then deep, then reviewer). For each task and mode: a fresh copy of the react-ts
// fixture with the task's setup files, the mode's config, the real CLI as a child process
// (`bun run src/index.ts --workspace WS --file task.json --config CFG --result-file R`), then the
// hidden test. Pass = the hidden test passes. Model seconds = the sum of durationMs of the
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pool } from "../lib/pool.ts";
import { runJob, type Job, type JobResult, type RunContext } from "./job.ts";
import { MODES } from "./modes.ts";
import { parseOptions, type Options } from "./options.ts";
import { cleanUpOnSignals, LiveSet } from "./processes.ts";
import { startRecordedServer } from "./recorded-server.ts";
import { recordedProblems, renderSummaryTable, renderTaskTable, runLabel, summarize } from "./report.ts";
import { selfCheck } from "./self-check.ts";
import { loadSuite, selectTasks, type BenchTask } from "./suite.ts";

/** The usage: the block of comment lines at the top of this file. */
function usage(): string {
  const head = readFileSync(import.meta.path, "utf8").split("\n");
  return head.slice(0, head.findIndex((l) => !l.startsWith("//"))).map((l) => l.replace(/^\/\/ ?/, "")).join("\n");
}

function progressLine(ctx: RunContext, job: Job, r: JobResult): string {
  const outcome = r.status === "error" || r.status === "skipped" ? r.status : `${r.pass ? "pass" : "FAIL"} (${r.status}, ${r.attempts} attempts)`;
  return `[${ctx.done}/${ctx.total}] ${runLabel(job.mode, job.context)} ${job.task.id}: ${outcome}${r.status === "error" && r.message ? ` ${r.message}` : ""}\n`;
}

async function runBench(opts: Options, tasks: BenchTask[], live: LiveSet): Promise<number> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "smol-cascade-"));
  const untrackTmp = live.trackDir(tmp);
  const outDir = opts.out ? path.resolve(opts.out) : path.join(tmp, "out");
  const recorded = opts.recorded ? await startRecordedServer(tasks) : null;
  const ctx: RunContext = {
    opts,
    outDir,
    stateDir: path.join(tmp, "state"),
    logDir: path.join(tmp, "logs"),
    recorded,
    fatal: null,
    live,
    done: 0,
    total: tasks.length * opts.modes.length * opts.contexts.length,
  };
  const started = performance.now();
  let report = "";
  const where = recorded ? `recorded replies at ${recorded.url}` : `${opts.endpoint}`;
  const runs = opts.contexts.flatMap((context) => opts.modes.map((mode) => ({ mode, context })));
  process.stderr.write(`cascade bench: ${tasks.length} tasks x ${runs.map((r) => runLabel(r.mode, r.context)).join("; ")} against ${where}, ${opts.parallel} at a time\n`);
  try {
    // Mode by mode, so the first mode's runs fill the baseline cache for the others.
    const jobs: Job[] = runs.flatMap(({ mode, context }) => tasks.map((task) => ({ task, mode, context })));
    const results = await pool(jobs, opts.parallel, async (job) => {
      const r = await runJob(job, ctx);
      ctx.done++;
      process.stderr.write(progressLine(ctx, job, r));
      return r;
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const summaries = runs.map((r) => summarize(r.mode, r.context, results, tasks, opts.recorded));

    const out: string[] = [];
    out.push(renderSummaryTable(summaries), "");
    out.push(renderTaskTable(results, tasks, runs), "");
    out.push(`Each cell: hidden test pass/FAIL: CLI status, attempts (attempts per tier: f fast, d deep, r reviewer).`);
    out.push(`Wall time ${wallSeconds.toFixed(0)} s, ${opts.parallel} tasks at a time.`);
    let code = 0;
    if (ctx.fatal) {
      out.push("", `Stopped: ${ctx.fatal}`);
      code = 3;
    }
    const errors = results.filter((r) => r.status === "error");
    if (errors.length > 0 && !ctx.fatal) {
      out.push("", "Runs that broke:", ...errors.map((r) => `- ${r.task} (${r.mode}): ${r.message}`));
      code = code || 1;
    }
    if (recorded) {
      const wholeSuite = opts.tasks === undefined && opts.modes.length === MODES.length;
      const mismatches = recordedProblems(results, tasks, summaries, recorded.unmatched, wholeSuite);
      out.push("");
      if (mismatches.length === 0) out.push("Recorded replies: every run ended as the recordings imply.");
      else out.push("Recorded replies: MISMATCH", ...mismatches.map((m) => `- ${m}`));
      if (mismatches.length > 0) code = code || 1;
    }
    if (opts.json) {
      await writeFile(opts.json, `${JSON.stringify({ recorded: opts.recorded, wallSeconds, summaries, results }, null, 2)}\n`);
    }
    if (opts.out) process.stderr.write(`per-run files in ${outDir}\n`);
    report = `${out.join("\n")}\n`;
    return code;
  } finally {
    await recorded?.stop();
    await rm(tmp, { recursive: true, force: true });
    untrackTmp();
    // Printed last, after the clean-up: a reader that stops early (| head) cannot leave files behind.
    process.stdout.write(report);
  }
}

async function main(argv: string[]): Promise<number> {
  let opts: Options | null;
  let tasks: BenchTask[];
  try {
    opts = parseOptions(argv);
    if (opts === null) {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    tasks = selectTasks(loadSuite(), opts.tasks);
  } catch (err) {
    process.stderr.write(`cascade bench: ${(err as Error).message}\n`);
    return 2;
  }
  const live = new LiveSet();
  // Stopped half-way (Ctrl-C, a test's timeout): stop the CLI runs and delete the temp folders.
  cleanUpOnSignals(live, "cascade bench");
  if (opts.selfCheck) return selfCheck(tasks, opts.parallel, live);
  return runBench(opts, tasks, live);
}

if (import.meta.main) process.exit(await main(Bun.argv.slice(2)));
