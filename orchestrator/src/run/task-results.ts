// From a task's outcome to its row in the result document, and from the rows to the document:
// one place, so the end-of-run file and the files written after each task agree.
import type { Task } from "../core/types.ts";
import { changedFiles, commitOf, keptDiff, outcomeMessage, type TaskOutcome } from "../task/outcomes.ts";
import type { FileHashes } from "../workspace/fingerprint.ts";
import { taskHash } from "./resume.ts";
import { totalsOf, type ResultFile, type TaskResult } from "./results.ts";

/** What the task's row says beyond its outcome. */
export interface RowFacts {
  /** Whether its checks ran (false with --no-checks). */
  verified: boolean;
  dryRun: boolean;
  /** Its owned files as it left them, for --resume to match. */
  filesLeft: FileHashes;
}

export function toTaskResult(taskId: string, task: Task, outcome: TaskOutcome, facts: RowFacts): TaskResult {
  return {
    taskId,
    description: task.description,
    filesOwned: task.filesOwned,
    filesRead: task.filesRead ?? [],
    status: outcome.status,
    verified: outcome.status === "skipped" ? outcome.verified : facts.verified,
    dryRun: facts.dryRun,
    keptFailed: outcome.status === "aborted" && outcome.keptFiles.length > 0,
    attempts: outcome.attempts,
    attemptsByTier: outcome.attemptsByTier,
    finalTier: outcome.finalTier,
    filesChanged: changedFiles(outcome),
    diff: keptDiff(outcome),
    tokens: outcome.tokens,
    tokensByTier: outcome.tokensByTier,
    durationMs: outcome.durationMs,
    message: outcomeMessage(outcome),
    commit: commitOf(outcome),
    fingerprint: { task: taskHash(task), files: facts.filesLeft },
  };
}

/** A task the earlier run completed: nothing spent in this run, its earlier commit kept. */
export function skippedOutcome(earlier: TaskResult, earlierRunId: string): Extract<TaskOutcome, { status: "skipped" }> {
  const zero = () => ({ prompt: 0, completion: 0, total: 0 });
  return {
    status: "skipped",
    commit: earlier.commit,
    earlierRunId,
    verified: earlier.verified,
    attempts: 0,
    attemptsByTier: { fast: 0, deep: 0, reviewer: 0 },
    finalTier: earlier.finalTier,
    durationMs: 0,
    tokens: zero(),
    tokensByTier: { fast: zero(), deep: zero(), reviewer: zero() },
  };
}

export interface ResultHeader {
  runId: string;
  workspace: string;
  startedAt: Date;
  dryRun: boolean;
  baseCommit: string | null;
  branch: string | null;
}

/** The document; `finishedAt` null while the run goes on. */
export function buildResult(header: ResultHeader, tasks: TaskResult[], wallMs: number, finishedAt: Date | null): ResultFile {
  return {
    version: 1,
    runId: header.runId,
    workspace: header.workspace,
    startedAt: header.startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    dryRun: header.dryRun,
    baseCommit: header.baseCommit,
    branch: header.branch,
    tasks,
    totals: totalsOf(tasks, wallMs),
  };
}
