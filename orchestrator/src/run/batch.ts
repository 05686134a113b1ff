// Runs one or many tasks in this process under shared limits, then sums them up: the
// run_summary event, and the result document for --result-file and the CI step summary.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import type { ResolvedConfig } from "../core/config.ts";
import { createContextCache, type ContextCache } from "../executor/context/cache.ts";
import type { ModelClient } from "../executor/model-client.ts";
import { changedFiles, keptDiff, outcomeMessage, type TaskOutcome } from "../task/outcomes.ts";
import { runTask, type Phase } from "../task/run-task.ts";
import type { CommandRunner } from "../verify/process.ts";
import { totalsOf, type ResultFile, type TaskResult } from "./results.ts";
import type { TierLimiter, WorkspaceGate } from "../concurrency/types.ts";
import { emit } from "../core/telemetry.ts";
import type { Task, Tier } from "../core/types.ts";
import { prepareTasks } from "./preflight.ts";

export interface BatchOptions {
  tasks: readonly Task[];
  workspace: string;
  config: ResolvedConfig;
  runId: string;
  dryRun?: boolean;
  keepFailed?: boolean;
  /** Run without verification; each task is then marked unverified. */
  noChecks?: boolean;
  deps: {
    client: ModelClient;
    limiter: TierLimiter;
    gate: WorkspaceGate;
    baselineCache?: BaselineCache;
    contextCache?: ContextCache;
    logger: Logger;
    signal?: AbortSignal;
    bunPath?: string;
    runner?: CommandRunner;
    newTaskId?: () => string;
    onPhase?: (taskId: string, info: { tier: Tier; attempt: number; phase: Phase }) => void;
  };
}

export interface BatchRun {
  outcomes: Array<{ taskId: string; task: Task; outcome: TaskOutcome }>;
  result: ResultFile;
}

export async function runBatch(options: BatchOptions): Promise<BatchRun> {
  const { config, deps } = options;
  const prepared = await prepareTasks(options.tasks, options.workspace, config, { noChecks: options.noChecks, bunPath: deps.bunPath });

  const startedAt = new Date();
  const wall = performance.now();
  const ids = options.tasks.map(() => (deps.newTaskId ?? randomUUID)());
  // One per batch: the tasks of a run on one workspace read its facts (and parse the library) once.
  const contextCache = deps.contextCache ?? createContextCache();
  const settled = await Promise.allSettled(
    prepared.map(({ task, checks }, i) =>
      runTask({
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
          logger: deps.logger.child({ taskId: ids[i] }),
          tiers: config.tiers,
          signal: deps.signal,
          runner: deps.runner,
          onPhase: (phase, info) => deps.onPhase?.(ids[i]!, { ...info, phase }),
        },
      }),
    ),
  );
  // A task that threw left its files restored (runTask does that); the rest ran to their end.
  const failure = settled.find((s) => s.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;

  const outcomes = settled.map((s, i) => ({
    taskId: ids[i]!,
    task: options.tasks[i]!,
    outcome: (s as PromiseFulfilledResult<TaskOutcome>).value,
  }));
  const tasks = outcomes.map(({ taskId, task, outcome }, i) => toTaskResult(taskId, task, outcome, prepared[i]!.verified));
  const wallMs = Math.round(performance.now() - wall);
  const result: ResultFile = {
    version: 1,
    runId: options.runId,
    workspace: options.workspace,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    dryRun: options.dryRun ?? false,
    tasks,
    totals: totalsOf(tasks, wallMs),
  };
  const t = result.totals;
  emit(deps.logger, {
    event: "run_summary",
    tasks: t.tasks,
    done: t.complete,
    unverified: t.unverified,
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

function toTaskResult(taskId: string, task: Task, outcome: TaskOutcome, verified: boolean): TaskResult {
  return {
    taskId,
    description: task.description,
    filesOwned: task.filesOwned,
    filesRead: task.filesRead ?? [],
    status: outcome.status,
    verified,
    attempts: outcome.attempts,
    attemptsByTier: outcome.attemptsByTier,
    finalTier: outcome.finalTier,
    filesChanged: changedFiles(outcome),
    diff: keptDiff(outcome),
    tokens: outcome.tokens,
    tokensByTier: outcome.tokensByTier,
    durationMs: outcome.durationMs,
    message: outcomeMessage(outcome),
  };
}
