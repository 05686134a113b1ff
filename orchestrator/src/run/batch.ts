// Runs one or many tasks in this process under shared limits, then sums them up: the
// run_summary event, and the result document for --result-file and the CI step summary.
// Everything that can refuse the run (paths, checks, dirty owned files) is decided before the
// first task starts; with --resume, the tasks an earlier run completed are skipped.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import type { ResolvedConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import type { ModelClient } from "../executor/model-client.ts";
import { createContextCache, type ContextCache } from "../executor/context/cache.ts";
import { createTokenCounters, type TokenCounters } from "../executor/tokens/counter.ts";
import type { GitSession } from "../git/session.ts";
import type { TaskOutcome } from "../task/outcomes.ts";
import type { PhaseInfo } from "../task/phase.ts";
import { runTask } from "../task/run-task.ts";
import type { CommandRunner } from "../verify/process.ts";
import type { ResultFile, TaskResult } from "./results.ts";
import type { TierLimiter, WorkspaceGate } from "../concurrency/types.ts";
import { emit } from "../core/telemetry.ts";
import type { Task, Tier } from "../core/types.ts";
import type { OwnedFiles } from "../workspace/owned-files.ts";
import { prepareTasks } from "./preflight.ts";
import { planResume } from "./resume.ts";
import { buildResult, skippedOutcome, toTaskResult, type ResultHeader } from "./task-results.ts";

export interface BatchOptions {
  tasks: readonly Task[];
  workspace: string;
  config: ResolvedConfig;
  runId: string;
  dryRun?: boolean;
  keepFailed?: boolean;
  /** Run without verification; each task is then marked unverified. */
  noChecks?: boolean;
  /** --resume: the earlier run's result; the tasks it completed are skipped. */
  earlier?: ResultFile;
  /** The run's git side: base commit, the owned-files check, a committer per task (--commit). */
  git?: Pick<GitSession, "baseCommit" | "branch" | "checkOwnedFiles" | "committerFor">;
  /** Where the result file says the run worked (the user's workspace, even when tasks run in a worktree). */
  reportedWorkspace?: string;
  deps: {
    client: ModelClient;
    limiter: TierLimiter;
    gate: WorkspaceGate;
    baselineCache?: BaselineCache;
    /** Where each task journals its originals before its first write. */
    stateDir?: string;
    /** Open tasks' files, for a hard exit to put back. */
    liveFiles?: Set<OwnedFiles>;
    /** Finishes a killed run's journal, before a task opens its files. */
    recover?: () => Promise<void>;
    /** Shared by the batch's tasks: Qwen's tokenizer is loaded once, on the first prompt. */
    tokens?: TokenCounters;
    /** Shared by the batch's tasks: a workspace's facts are read (and the library parsed) once. */
    contextCache?: ContextCache;
    logger: Logger;
    signal?: AbortSignal;
    bunPath?: string;
    runner?: CommandRunner;
    newTaskId?: () => string;
    onPhase?: (taskId: string, info: PhaseInfo) => void;
    /** Told the result so far after each task ends (the CLI writes it, so a killed run can be resumed). */
    onProgress?: (result: ResultFile) => void | Promise<void>;
  };
}

export interface BatchRun {
  outcomes: Array<{ taskId: string; task: Task; outcome: TaskOutcome }>;
  result: ResultFile;
}

export async function runBatch(options: BatchOptions): Promise<BatchRun> {
  const { config, deps, tasks } = options;
  const prepared = await prepareTasks(tasks, options.workspace, config, { noChecks: options.noChecks, bunPath: deps.bunPath });
  const skip = options.earlier ? await planResume(tasks, options.earlier, options.workspace) : new Map<number, TaskResult>();
  const ids = tasks.map((_, i) => {
    const fresh = (deps.newTaskId ?? randomUUID)();
    return skip.get(i)?.taskId ?? fresh;
  });
  await checkOwnedFiles(options, tasks.filter((_, i) => !skip.has(i)));

  const header: ResultHeader = {
    runId: options.runId,
    workspace: options.reportedWorkspace ?? options.workspace,
    startedAt: new Date(),
    dryRun: options.dryRun ?? false,
    baseCommit: options.earlier?.baseCommit ?? options.git?.baseCommit ?? null,
    branch: options.git?.branch ?? null,
  };
  const wall = performance.now();
  const ended: Array<{ outcome: TaskOutcome; row: TaskResult } | undefined> = tasks.map(() => undefined);
  let progress: Promise<void> = Promise.resolve();
  const report = () => {
    const rows = ended.flatMap((e) => (e ? [e.row] : []));
    progress = progress.then(() => deps.onProgress?.(buildResult(header, rows, Math.round(performance.now() - wall), null)));
  };
  for (const [i, earlier] of skip) {
    const outcome = skippedOutcome(earlier, options.earlier!.runId);
    ended[i] = { outcome, row: toTaskResult(ids[i]!, tasks[i]!, outcome, { verified: earlier.verified, dryRun: false, filesLeft: earlier.fingerprint.files }) };
    emit(deps.logger.child({ taskId: ids[i] }), { event: "task_skipped", description: tasks[i]!.description, earlierRunId: options.earlier!.runId, commit: earlier.commit?.sha ?? null });
  }
  // Written before any task runs: a run killed before its first task ends can be resumed too.
  report();

  const tokens = deps.tokens ?? createTokenCounters();
  const contextCache = deps.contextCache ?? createContextCache();
  const settled = await Promise.allSettled(
    prepared.map(async ({ task, checks, verified }, i) => {
      if (skip.has(i)) return;
      const end = await runTask({
        task,
        workspace: options.workspace,
        limits: config.limits,
        strict: config.verify.strict,
        checks,
        dryRun: options.dryRun,
        keepFailed: options.keepFailed,
        context: config.context,
        deps: {
          client: deps.client,
          limiter: deps.limiter,
          gate: deps.gate,
          baselineCache: deps.baselineCache,
          contextCache,
          committer: options.git?.committerFor(ids[i]!, task),
          stateDir: deps.stateDir,
          liveFiles: deps.liveFiles,
          recover: deps.recover,
          logger: deps.logger.child({ taskId: ids[i] }),
          tiers: config.tiers,
          tokens,
          signal: deps.signal,
          runner: deps.runner,
          onPhase: (info) => deps.onPhase?.(ids[i]!, info),
        },
      });
      const { filesLeft, ...outcome } = end;
      ended[i] = { outcome, row: toTaskResult(ids[i]!, task, outcome, { verified, dryRun: options.dryRun ?? false, filesLeft }) };
      report();
    }),
  );
  await progress.catch(() => {});
  // A task that threw left its files restored (runTask does that); the rest ran to their end.
  const failure = settled.find((s) => s.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;

  const outcomes = ended.map((e, i) => ({ taskId: ids[i]!, task: tasks[i]!, outcome: e!.outcome }));
  const wallMs = Math.round(performance.now() - wall);
  const result = buildResult(header, ended.map((e) => e!.row), wallMs, new Date());
  const t = result.totals;
  emit(deps.logger, {
    event: "run_summary",
    tasks: t.tasks,
    done: t.complete,
    unverified: t.unverified,
    skipped: t.skipped,
    aborted: t.aborted,
    failed: t.failed,
    attempts: t.attempts,
    attemptsByTier: t.attemptsByTier,
    tokens: t.tokens,
    tokensByTier: t.tokensByTier,
    wallMs,
  });
  return { outcomes, result };
}

/** --commit: the owned files of the tasks that will run must be committable as each task's own. */
async function checkOwnedFiles(options: BatchOptions, running: readonly Task[]): Promise<void> {
  if (!options.git) return;
  const files = [...new Set(running.flatMap((t) => t.filesOwned))];
  const check = await options.git.checkOwnedFiles(files);
  if (!check.ok) throw new InputError(check.message ?? "the owned files cannot be committed");
  if (check.dirtyCommit) emit(options.deps.logger, { event: "commit_created", ...check.dirtyCommit });
  if (check.leftOut?.length && options.git.branch) {
    emit(options.deps.logger, { event: "uncommitted_left_out", branch: options.git.branch, files: check.leftOut });
  }
}
