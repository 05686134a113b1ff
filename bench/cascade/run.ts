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
//   --tasks N | a,b       the first N tasks, or tasks by id / id prefix (default all)
//   --parallel N          tasks run at once (default 2)
//   --verify-scripts a,b  verify.scripts for every run (default: the workspace's typecheck, lint, build)
//   --recorded            serve recorded replies (bench/cascade/recorded.ts) from an in-process
//                         scripted server instead of calling a model: a harness check
//   --self-check          check the suite instead of running it (see selfCheck below)
//   --out DIR             keep each run's events, result file, stderr and hidden-test output there
//   --json FILE           also write the summary as JSON
//
// Modes (bench/cascade/modes.ts): fast = fast tier only, deep = deep tier only, cascade = the
// defaults (fast, then deep, then reviewer). For each task and mode: a fresh copy of the react-ts
// fixture with the task's setup files, the mode's config, the real CLI as a child process
// (`bun run src/index.ts --workspace WS --file task.json --config CFG --result-file R`), then the
// hidden test. Pass = the hidden test passes. Model seconds = the sum of durationMs of the
// model_call_complete events; verify seconds likewise from verification_pass/fail.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ResultFile, TaskResult } from "../../orchestrator/src/run/results.ts";
import { TIERS, type Tier } from "../../orchestrator/src/core/types.ts";
import { parseJsonLines } from "../../orchestrator/testing/logs.ts";
import { modeConfig, MODES, parseModes, type Mode } from "./modes.ts";
import {
  checkRecordings,
  EXPECTED_PASS,
  expectedOutcome,
  filesForKind,
  kindsUsed,
  recordingFor,
  startRecordedServer,
  type RecordedServer,
} from "./recorded.ts";
import {
  checkHiddenTests,
  cleanUpNow,
  exec,
  fixtureWorkspace,
  loadSuite,
  ORCHESTRATOR_DIR,
  pool,
  prepareWorkspace,
  runHiddenTest,
  selectTasks,
  trackDir,
  type BenchTask,
} from "./suite.ts";

interface Options {
  endpoint: string;
  apiKey: string;
  models: Partial<Record<Tier, string>>;
  modes: Mode[];
  tasks?: string;
  parallel: number;
  verifyScripts?: string[];
  recorded: boolean;
  selfCheck: boolean;
  out?: string;
  json?: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoint: { type: "string" },
      "api-key": { type: "string" },
      "model-fast": { type: "string" },
      "model-deep": { type: "string" },
      "model-reviewer": { type: "string" },
      modes: { type: "string" },
      tasks: { type: "string" },
      parallel: { type: "string" },
      "verify-scripts": { type: "string" },
      recorded: { type: "boolean", default: false },
      "self-check": { type: "boolean", default: false },
      out: { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    // The usage is the block of comment lines at the top of this file.
    const head = readFileSync(import.meta.path, "utf8").split("\n");
    const usage = head.slice(0, head.findIndex((l) => !l.startsWith("//"))).map((l) => l.replace(/^\/\/ ?/, ""));
    process.stdout.write(`${usage.join("\n")}\n`);
    process.exit(0);
  }
  const env = process.env;
  const parallel = Number(values.parallel ?? 2);
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel takes a whole number >= 1, not ${values.parallel}`);
  const models: Partial<Record<Tier, string>> = {
    fast: values["model-fast"] ?? env.SMOL_MODEL_FAST,
    deep: values["model-deep"] ?? env.SMOL_MODEL_DEEP,
    reviewer: values["model-reviewer"] ?? env.SMOL_MODEL_REVIEWER,
  };
  if (values.recorded && (values["model-fast"] || values["model-deep"] || values["model-reviewer"])) {
    throw new Error("--recorded serves the default model names; drop the --model-* flags");
  }
  return {
    endpoint: values.endpoint ?? (env.LITELLM_URL || "http://localhost:4000/v1"),
    apiKey: values["api-key"] ?? (env.LITELLM_API_KEY || "dev-key"),
    models: values.recorded ? {} : models,
    modes: parseModes(values.modes ?? MODES.join(",")),
    tasks: values.tasks,
    parallel,
    verifyScripts: values["verify-scripts"]?.split(",").map((s) => s.trim()).filter(Boolean),
    recorded: values.recorded ?? false,
    selfCheck: values["self-check"] ?? false,
    out: values.out,
    json: values.json,
  };
}

// ---------------------------------------------------------------------------------------------
// One run: a task in a mode
// ---------------------------------------------------------------------------------------------

interface Job {
  task: BenchTask;
  mode: Mode;
}

interface JobResult {
  task: string;
  mode: Mode;
  /** The CLI's status for the task, or "error" when the run itself broke (exit 2/3, no result file). */
  status: TaskResult["status"] | "error" | "skipped";
  pass: boolean;
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  finalTier: Tier | null;
  tokens: number;
  modelMs: number;
  verifyMs: number;
  wallMs: number;
  message: string | null;
}

interface RunContext {
  opts: Options;
  outDir: string;
  stateDir: string;
  logDir: string;
  recorded: RecordedServer | null;
  /** Set when the model server is unavailable: the remaining runs are skipped. */
  fatal: string | null;
  done: number;
  total: number;
}

function childEnv(ctx: RunContext, mode: Mode): Record<string, string | undefined> {
  // SMOL_MODEL_* would override the config's models: the config carries them instead.
  const { SMOL_MODEL_FAST: _f, SMOL_MODEL_DEEP: _d, SMOL_MODEL_REVIEWER: _r, ...rest } = process.env;
  return {
    ...rest,
    LITELLM_URL: ctx.recorded ? ctx.recorded.url : ctx.opts.endpoint,
    LITELLM_API_KEY: ctx.recorded ? ctx.recorded.apiKey(mode) : ctx.opts.apiKey,
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    SMOL_LOG_DIR: ctx.logDir,
    // One state dir for the whole bench: the tier limits hold across the parallel CLI processes,
    // and the baseline cache is shared by the three modes' copies of a task.
    SMOL_STATE_DIR: ctx.stateDir,
    // Recorded replies take milliseconds: holding a call back for a "busy" model only adds wall time.
    ...(ctx.recorded ? { SMOL_WARM_DEFER_MS: "0" } : {}),
  };
}

function emptyResult(job: Job, status: JobResult["status"], message: string | null): JobResult {
  return {
    task: job.task.id,
    mode: job.mode,
    status,
    pass: false,
    attempts: 0,
    attemptsByTier: { fast: 0, deep: 0, reviewer: 0 },
    finalTier: null,
    tokens: 0,
    modelMs: 0,
    verifyMs: 0,
    wallMs: 0,
    message,
  };
}

function sumField(events: Array<Record<string, unknown>>, names: string[], field: string): number {
  return events.filter((e) => names.includes(String(e.event))).reduce((n, e) => n + (Number(e[field]) || 0), 0);
}

async function runJob(job: Job, ctx: RunContext): Promise<JobResult> {
  if (ctx.fatal) return emptyResult(job, "skipped", ctx.fatal);
  const jobDir = path.join(ctx.outDir, job.mode, job.task.id);
  await mkdir(jobDir, { recursive: true });
  const configFile = path.join(jobDir, "smol-coder.config.json");
  const resultFile = path.join(jobDir, "result.json");
  // The config lives outside the workspace (--config), so the three modes' workspaces hold the
  // same files and share one baseline run.
  const config = modeConfig(job.mode, { models: ctx.opts.models, verifyScripts: ctx.opts.verifyScripts });
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  await using ws = await prepareWorkspace(job.task);
  const cli = await exec(
    [process.execPath, "run", "src/index.ts", "--workspace", ws.dir, "--file", job.task.taskFile, "--config", configFile, "--result-file", resultFile],
    { cwd: ORCHESTRATOR_DIR, env: childEnv(ctx, job.mode) },
  );
  await writeFile(path.join(jobDir, "events.jsonl"), cli.stdout);
  await writeFile(path.join(jobDir, "stderr.txt"), cli.stderr);
  const events = parseJsonLines(cli.stdout);
  const stderrTail = cli.stderr.trim().split("\n").slice(-5).join("\n");

  if (cli.code === 3) {
    ctx.fatal ??= `model server unavailable: ${stderrTail}`;
    return emptyResult(job, "error", ctx.fatal);
  }
  let result: ResultFile | null = null;
  try {
    result = JSON.parse(await readFile(resultFile, "utf8")) as ResultFile;
  } catch {
    result = null;
  }
  const task = result?.tasks[0];
  if (!task) return emptyResult(job, "error", `CLI exited ${cli.code} without a result file: ${stderrTail}`);

  const hidden = await runHiddenTest(job.task, ws.dir);
  await writeFile(path.join(jobDir, "hidden-test.txt"), hidden.output);
  return {
    task: job.task.id,
    mode: job.mode,
    status: task.status,
    pass: hidden.pass,
    attempts: task.attempts,
    attemptsByTier: task.attemptsByTier,
    finalTier: task.finalTier,
    tokens: task.tokens.total,
    modelMs: sumField(events, ["model_call_complete"], "durationMs"),
    verifyMs: sumField(events, ["verification_pass", "verification_fail"], "durationMs"),
    wallMs: cli.durationMs,
    message: task.message,
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

interface ModeSummary {
  mode: Mode;
  tasks: number;
  pass: number;
  complete: number;
  errors: number;
  modelSeconds: number;
  verifySeconds: number;
  tokens: number;
  meanAttempts: number;
  /** Recorded runs: the pass count the recordings imply. */
  expectedPass?: number;
}

function summarize(mode: Mode, results: JobResult[], tasks: BenchTask[], recorded: boolean): ModeSummary {
  const mine = results.filter((r) => r.mode === mode);
  const summary: ModeSummary = {
    mode,
    tasks: mine.length,
    pass: mine.filter((r) => r.pass).length,
    complete: mine.filter((r) => r.status === "complete").length,
    errors: mine.filter((r) => r.status === "error" || r.status === "skipped").length,
    modelSeconds: mine.reduce((n, r) => n + r.modelMs, 0) / 1000,
    verifySeconds: mine.reduce((n, r) => n + r.verifyMs, 0) / 1000,
    tokens: mine.reduce((n, r) => n + r.tokens, 0),
    meanAttempts: mine.length === 0 ? 0 : mine.reduce((n, r) => n + r.attempts, 0) / mine.length,
  };
  if (recorded) summary.expectedPass = tasks.filter((t) => expectedOutcome(recordingFor(t), mode).pass).length;
  return summary;
}

const pct = (n: number, of: number) => `${n}/${of} (${of === 0 ? "0.0" : ((100 * n) / of).toFixed(1)}%)`;

export function renderSummaryTable(summaries: ModeSummary[]): string {
  const recorded = summaries.some((s) => s.expectedPass !== undefined);
  const head = ["mode", "pass (hidden tests)", ...(recorded ? ["expected"] : []), "complete (verified)", "model s", "verify s", "tokens", "mean attempts"];
  const rows = summaries.map((s) => [
    s.mode,
    pct(s.pass, s.tasks),
    ...(recorded ? [pct(s.expectedPass ?? 0, s.tasks)] : []),
    `${s.complete}/${s.tasks}`,
    s.modelSeconds.toFixed(2),
    s.verifySeconds.toFixed(1),
    String(s.tokens),
    s.meanAttempts.toFixed(2),
  ]);
  return [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function tierPath(r: JobResult): string {
  const parts = TIERS.filter((t) => r.attemptsByTier[t] > 0).map((t) => `${t[0]}${r.attemptsByTier[t]}`);
  return parts.join(" ") || "-";
}

function renderTaskTable(results: JobResult[], tasks: BenchTask[], modes: Mode[]): string {
  const head = ["task", ...modes];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => " --- ").join("|")}|`];
  for (const task of tasks) {
    const cells = modes.map((mode) => {
      const r = results.find((x) => x.task === task.id && x.mode === mode);
      if (!r) return "";
      if (r.status === "error" || r.status === "skipped") return `${r.status}`;
      return `${r.pass ? "pass" : "FAIL"}: ${r.status}, ${r.attempts} (${tierPath(r)})`;
    });
    lines.push(`| ${task.id} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Recorded runs: every task's hidden-test result and attempts must be what the recordings imply. */
function recordedMismatches(results: JobResult[], tasks: BenchTask[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const task = tasks.find((t) => t.id === r.task)!;
    const want = expectedOutcome(recordingFor(task), r.mode);
    const wantStatus = want.complete ? "complete" : "aborted";
    if (r.pass !== want.pass || r.attempts !== want.attempts || r.status !== wantStatus) {
      out.push(
        `${r.task} (${r.mode}): got ${r.pass ? "pass" : "fail"}, ${r.status}, ${r.attempts} attempts; ` +
          `recordings imply ${want.pass ? "pass" : "fail"}, ${wantStatus}, ${want.attempts} attempts${r.message ? ` (${r.message})` : ""}`,
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bench
// ---------------------------------------------------------------------------------------------

async function runBench(opts: Options, tasks: BenchTask[]): Promise<number> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "smol-cascade-"));
  const untrackTmp = trackDir(tmp);
  const outDir = opts.out ? path.resolve(opts.out) : path.join(tmp, "out");
  const recorded = opts.recorded ? await startRecordedServer(tasks) : null;
  const ctx: RunContext = {
    opts,
    outDir,
    stateDir: path.join(tmp, "state"),
    logDir: path.join(tmp, "logs"),
    recorded,
    fatal: null,
    done: 0,
    total: tasks.length * opts.modes.length,
  };
  const started = performance.now();
  let report = "";
  const where = recorded ? `recorded replies at ${recorded.url}` : `${opts.endpoint}`;
  process.stderr.write(`cascade bench: ${tasks.length} tasks x ${opts.modes.join(", ")} against ${where}, ${opts.parallel} at a time\n`);
  try {
    // Mode by mode, so the first mode's runs fill the baseline cache for the others.
    const jobs: Job[] = opts.modes.flatMap((mode) => tasks.map((task) => ({ task, mode })));
    const results = await pool(jobs, opts.parallel, async (job) => {
      const r = await runJob(job, ctx);
      ctx.done++;
      process.stderr.write(
        `[${ctx.done}/${ctx.total}] ${job.mode} ${job.task.id}: ${r.status === "error" || r.status === "skipped" ? r.status : `${r.pass ? "pass" : "FAIL"} (${r.status}, ${r.attempts} attempts)`}` +
          `${r.status === "error" && r.message ? ` ${r.message}` : ""}\n`,
      );
      return r;
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const summaries = opts.modes.map((m) => summarize(m, results, tasks, opts.recorded));

    const out: string[] = [];
    out.push(renderSummaryTable(summaries), "");
    out.push(renderTaskTable(results, tasks, opts.modes), "");
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
      const mismatches = recordedMismatches(results, tasks);
      if (recorded.unmatched.length > 0) mismatches.push(...recorded.unmatched.map((u) => `unmatched model request: ${u}`));
      if (opts.tasks === undefined && opts.modes.length === MODES.length) {
        for (const s of summaries) {
          if (s.expectedPass !== EXPECTED_PASS[s.mode]) mismatches.push(`${s.mode}: recorded.ts says ${EXPECTED_PASS[s.mode]} passes, the recordings imply ${s.expectedPass}`);
        }
      }
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

// ---------------------------------------------------------------------------------------------
// Self-check
// ---------------------------------------------------------------------------------------------

/**
 * Checks the suite and its recordings without a model:
 *  1. per task: the hidden test FAILS on the untouched workspace and PASSES with the solution;
 *  2. the recordings: expectations agree with the replies, each reply applies to the intended files;
 *  3. all setup files together pass typecheck, lint and build (so a run's baseline is clean);
 *  4. all solutions together pass typecheck, lint and build;
 *  5. every "wrong" reply passes typecheck, lint and build but fails its hidden test;
 *  6. every "typecheck" / "lint" reply fails that script with an error in its own file.
 */
async function selfCheck(opts: Options, tasks: BenchTask[]): Promise<number> {
  const problems: string[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = performance.now();

  log(`1. hidden tests of ${tasks.length} tasks`);
  for (const c of await checkHiddenTests(tasks, opts.parallel)) {
    if (c.untouched.pass) problems.push(`${c.id}: the hidden test passes on the untouched workspace`);
    if (!c.solved.pass) problems.push(`${c.id}: the hidden test fails with the reference solution:\n${c.solved.output.trim()}`);
  }

  log("2. recordings");
  for (const p of await checkRecordings(tasks)) problems.push(`${p.task}: recording: ${p.problem}`);

  /** Runs package.json scripts in a fresh workspace with `files`; `then` may look at it before it goes. */
  const scripts = async (files: Map<string, string>, names: string[], then?: (dir: string) => Promise<void>) => {
    await using ws = await fixtureWorkspace(files);
    const out: Record<string, { ok: boolean; output: string }> = {};
    await Promise.all(
      names.map(async (name) => {
        const r = await exec([process.execPath, "run", "--silent", name], { cwd: ws.dir, env: { ...process.env, CI: "true", NO_COLOR: "1" }, timeoutMs: 180_000 });
        out[name] = { ok: r.code === 0, output: `${r.stdout}${r.stderr}` };
      }),
    );
    await then?.(ws.dir);
    return out;
  };
  const union = (pick: (t: BenchTask) => Map<string, string> | null) => {
    const files = new Map<string, string>();
    for (const t of tasks) for (const [f, c] of pick(t) ?? []) {
      if (files.has(f) && files.get(f) !== c) problems.push(`${t.id}: ${f} is also written by another task`);
      files.set(f, c);
    }
    return files;
  };
  const ALL_SCRIPTS = ["typecheck", "lint", "build"];

  log("3. setup files: typecheck, lint, build");
  {
    const out = await scripts(union((t) => t.setup), ALL_SCRIPTS);
    for (const [name, r] of Object.entries(out)) if (!r.ok) problems.push(`setup files fail ${name}:\n${r.output.trim()}`);
  }
  log("4. solutions: typecheck, lint, build");
  {
    const out = await scripts(union((t) => new Map([...t.setup, ...t.solution])), ALL_SCRIPTS);
    for (const [name, r] of Object.entries(out)) if (!r.ok) problems.push(`solutions fail ${name}:\n${r.output.trim()}`);
  }

  // Variants by round: round k takes every task's k-th variant of an effect, so the files of one
  // round never collide and each round is one set of script runs.
  const variantsOf = (t: BenchTask, effects: string[]) =>
    Object.entries(recordingFor(t).variants ?? {})
      .filter(([name, v]) => effects.includes(v.effect) && kindsUsed(recordingFor(t)).some((k) => k.split(":")[0] === name))
      .map(([name, v]) => ({ name, effect: v.effect, file: v.edits[0]!.file }));

  log("5. wrong replies: verify passes, hidden test fails");
  for (let round = 0; ; round++) {
    const picks = tasks.flatMap((t) => {
      const v = variantsOf(t, ["wrong"])[round];
      return v ? [{ task: t, ...v }] : [];
    });
    if (picks.length === 0) break;
    log(`   round ${round + 1}: ${picks.map((p) => `${p.task.id}/${p.name}`).join(", ")}`);
    const files = new Map<string, string>();
    for (const t of tasks) for (const [f, c] of t.setup) files.set(f, c);
    for (const p of picks) for (const [f, c] of filesForKind(p.task, p.name)!) files.set(f, c);
    const out = await scripts(files, ALL_SCRIPTS, async (dir) => {
      for (const p of picks) {
        const h = await runHiddenTest(p.task, dir);
        if (h.pass) problems.push(`${p.task.id}/${p.name}: a "wrong" reply passes the hidden test`);
      }
    });
    for (const [name, r] of Object.entries(out)) if (!r.ok) problems.push(`wrong replies (round ${round + 1}) fail ${name}:\n${r.output.trim()}`);
  }

  log("6. failing replies: typecheck / lint report them");
  for (let round = 0; ; round++) {
    const picks = tasks.flatMap((t) => {
      const v = variantsOf(t, ["typecheck", "lint"])[round];
      return v ? [{ task: t, ...v }] : [];
    });
    if (picks.length === 0) break;
    log(`   round ${round + 1}: ${picks.map((p) => `${p.task.id}/${p.name} (${p.effect})`).join(", ")}`);
    const files = new Map<string, string>();
    for (const t of tasks) for (const [f, c] of t.setup) files.set(f, c);
    for (const p of picks) for (const [f, c] of filesForKind(p.task, p.name)!) files.set(f, c);
    const out = await scripts(files, ["typecheck", "lint"]);
    for (const p of picks) {
      const r = out[p.effect]!;
      if (r.ok || !r.output.includes(p.file)) problems.push(`${p.task.id}/${p.name}: ${p.effect} does not report an error in ${p.file}`);
      if (p.effect === "lint" && out.typecheck!.output.includes(p.file)) problems.push(`${p.task.id}/${p.name}: meant as a lint error, but tsc reports it too`);
    }
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (problems.length === 0) {
    process.stdout.write(`self-check: ${tasks.length} tasks OK (${seconds} s)\n`);
    return 0;
  }
  process.stdout.write(`self-check: ${problems.length} problem(s) (${seconds} s)\n${problems.map((p) => `- ${p}`).join("\n")}\n`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  let tasks: BenchTask[];
  try {
    opts = parseOptions(argv);
    tasks = selectTasks(loadSuite(), opts.tasks);
  } catch (err) {
    process.stderr.write(`cascade bench: ${(err as Error).message}\n`);
    return 2;
  }
  // Stopped half-way (Ctrl-C, a test's timeout): stop the CLI runs and delete the temp folders.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      process.stderr.write(`cascade bench: ${signal}, stopping\n`);
      cleanUpNow();
      process.exit(130);
    });
  }
  if (opts.selfCheck) return selfCheck(opts, tasks);
  return runBench(opts, tasks);
}

if (import.meta.main) process.exit(await main(Bun.argv.slice(2)));
