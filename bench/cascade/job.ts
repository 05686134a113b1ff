// One run of the cascade bench: a task in a mode. A fresh workspace, the mode's config, the real
// CLI as a child process, then the task's hidden test.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Tier } from "../../orchestrator/src/core/types.ts";
import type { ResultFile, TaskResult } from "../../orchestrator/src/run/results.ts";
import { parseJsonLines } from "../../orchestrator/testing/logs.ts";
import { runHiddenTest } from "./hidden-tests.ts";
import { modeConfig, type Mode } from "./modes.ts";
import type { Options } from "./options.ts";
import type { ContextSetting } from "./recordings.ts";
import { exec, type LiveSet } from "./processes.ts";
import type { RecordedServer } from "./recorded-server.ts";
import { ORCHESTRATOR_DIR, type BenchTask } from "./suite.ts";
import { prepareWorkspace } from "./workspaces.ts";

export interface Job {
  task: BenchTask;
  mode: Mode;
  context: ContextSetting;
}

export interface JobResult {
  task: string;
  mode: Mode;
  context: ContextSetting;
  /** The CLI's status for the task, or "error" when the run itself broke (exit 2/3, no result file). */
  status: TaskResult["status"] | "error" | "skipped";
  pass: boolean;
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  finalTier: Tier | null;
  tokens: number;
  modelMs: number;
  verifyMs: number;
  /** Prompt tokens that went to the context (facts, read-only files, imports), over the calls (model_call_start). */
  contextTokens: number;
  wallMs: number;
  message: string | null;
}

export interface RunContext {
  opts: Options;
  outDir: string;
  stateDir: string;
  logDir: string;
  recorded: RecordedServer | null;
  /** Set when the model server is unavailable: the remaining runs are skipped. */
  fatal: string | null;
  live: LiveSet;
  done: number;
  total: number;
}

function childEnv(ctx: RunContext, mode: Mode, context: ContextSetting): Record<string, string | undefined> {
  // SMOL_MODEL_* would override the config's models: the config carries them instead.
  const { SMOL_MODEL_FAST: _f, SMOL_MODEL_DEEP: _d, SMOL_MODEL_REVIEWER: _r, ...rest } = process.env;
  return {
    ...rest,
    LITELLM_URL: ctx.recorded ? ctx.recorded.url : ctx.opts.endpoint,
    LITELLM_API_KEY: ctx.recorded ? ctx.recorded.apiKey(mode, context) : ctx.opts.apiKey,
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
  const none = { attempts: 0, attemptsByTier: { fast: 0, deep: 0, reviewer: 0 }, finalTier: null, tokens: 0, modelMs: 0, verifyMs: 0, contextTokens: 0, wallMs: 0 };
  return { task: job.task.id, mode: job.mode, context: job.context, status, pass: false, ...none, message };
}

function sumField(events: Array<Record<string, unknown>>, names: string[], field: string): number {
  return events.filter((e) => names.includes(String(e.event))).reduce((n, e) => n + (Number(e[field]) || 0), 0);
}

function contextTokensOf(events: Array<Record<string, unknown>>): number {
  return events
    .filter((e) => e.event === "model_call_start")
    .reduce((n, e) => {
      const parts = (e.tokensByPart ?? {}) as Record<string, number>;
      return n + (parts.readOnly ?? 0) + (parts.imports ?? 0) + (parts.facts ?? 0);
    }, 0);
}

/** Where a run's files go: out/<mode>/<task>, or out/<mode>-no-context/<task>. */
export function jobFolder(job: Pick<Job, "mode" | "context">): string {
  return job.context === "on" ? job.mode : `${job.mode}-no-context`;
}


export async function runJob(job: Job, ctx: RunContext): Promise<JobResult> {
  if (ctx.fatal) return emptyResult(job, "skipped", ctx.fatal);
  const jobDir = path.join(ctx.outDir, jobFolder(job), job.task.id);
  await mkdir(jobDir, { recursive: true });
  const configFile = path.join(jobDir, "smol-coder.config.json");
  const resultFile = path.join(jobDir, "result.json");
  // The config lives outside the workspace (--config), so the three modes' workspaces hold the
  // same files and share one baseline run.
  const config = modeConfig(job.mode, { models: ctx.opts.models, verifyScripts: ctx.opts.verifyScripts, context: job.context });
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  await using ws = await prepareWorkspace(job.task, ctx.live);
  const cli = await exec(
    [process.execPath, "run", "src/index.ts", "--workspace", ws.dir, "--file", job.task.taskFile, "--config", configFile, "--result-file", resultFile],
    { cwd: ORCHESTRATOR_DIR, env: childEnv(ctx, job.mode, job.context), live: ctx.live },
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

  const hidden = await runHiddenTest(job.task, ws.dir, ctx.live);
  await writeFile(path.join(jobDir, "hidden-test.txt"), hidden.output);
  return {
    task: job.task.id,
    mode: job.mode,
    context: job.context,
    status: task.status,
    pass: hidden.pass,
    attempts: task.attempts,
    attemptsByTier: task.attemptsByTier,
    finalTier: task.finalTier,
    tokens: task.tokens.total,
    modelMs: sumField(events, ["model_call_complete"], "durationMs"),
    verifyMs: sumField(events, ["verification_pass", "verification_fail"], "durationMs"),
    contextTokens: contextTokensOf(events),
    wallMs: cli.durationMs,
    message: task.message,
  };
}
