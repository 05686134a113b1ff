// The ways a task can end, in one table. The result file's status enum, the batch totals, the
// run_summary counts and the exit code all read this table, so a new outcome is added here (and
// in the union below) and nowhere else.
import type { TokenTotals } from "../core/events.ts";
import { EXIT, type StopSignal } from "../core/errors.ts";
import type { Tier } from "../core/types.ts";
import type { UnavailableReason } from "../executor/model-faults.ts";
import type { TaskCommit } from "../git/types.ts";

export type TokensByTier = Record<Tier, TokenTotals>;

export interface TaskSummary {
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  finalTier: Tier;
  durationMs: number;
  tokens: TokenTotals;
  tokensByTier: TokensByTier;
}

export type { UnavailableReason } from "../executor/model-faults.ts";

export type TaskOutcome =
  | ({
      status: "complete";
      files: string[];
      diff: string;
      /** False when no check ran (--no-checks). */
      verified: boolean;
      /** The task's commit (--commit); null when the run does not commit. */
      commit: TaskCommit | null;
      /** --dry-run: the files were put back; `files` and `diff` are what the edit would change. */
      dryRun: boolean;
    } & TaskSummary)
  | ({
      status: "aborted";
      lastErrors: string[];
      reason: string;
      /** The diff left in place with --keep-failed, else null. */
      diff: string | null;
      /** The files --keep-failed left as the last attempt wrote them; [] when all were restored. */
      keptFiles: string[];
    } & TaskSummary)
  | ({
      status: "unavailable";
      reason: UnavailableReason;
      message: string;
      /** The tier's model name as sent to the server. */
      model: string;
      /** model_not_pulled: the Ollama model behind it. */
      ollamaModel?: string;
    } & TaskSummary)
  | ({ status: "too_large"; message: string } & TaskSummary)
  /** The workspace is the problem: a file of the task could not be written (or put back), or a check cannot run; the message names it and the fix. */
  | ({ status: "workspace_error"; file: string; message: string } & TaskSummary)
  | ({ status: "interrupted" } & TaskSummary)
  /** Completed in an earlier run (--resume): not run again. */
  | ({ status: "skipped"; commit: TaskCommit | null; earlierRunId: string; verified: boolean } & TaskSummary);

export type TaskStatus = TaskOutcome["status"];

interface OutcomeSpec {
  /**
   * The process's exit code when this is the most severe outcome of the run. An interrupted
   * run's code depends on the signal (EXIT.interrupted: SIGINT 130, SIGTERM 143, SIGHUP 129).
   */
  exitCode: number | typeof EXIT.interrupted;
  /** Decides which outcome of a batch sets the exit code: the highest wins. */
  severity: number;
  /** Which count of the run's totals it adds to. */
  tally: "complete" | "skipped" | "aborted" | "failed";
}

export const OUTCOMES: Record<TaskStatus, OutcomeSpec> = {
  complete: { exitCode: EXIT.ok, severity: 0, tally: "complete" },
  skipped: { exitCode: EXIT.ok, severity: 0, tally: "skipped" },
  aborted: { exitCode: EXIT.aborted, severity: 1, tally: "aborted" },
  too_large: { exitCode: EXIT.badInput, severity: 2, tally: "failed" },
  workspace_error: { exitCode: EXIT.badInput, severity: 3, tally: "failed" },
  unavailable: { exitCode: EXIT.modelUnavailable, severity: 4, tally: "failed" },
  interrupted: { exitCode: EXIT.interrupted, severity: 5, tally: "failed" },
};

/** The exit code of a run whose most severe outcome is `status`; `signal` is the one that stopped it, if any. */
export function exitCodeOf(status: TaskStatus, signal: StopSignal | null): number {
  const code = OUTCOMES[status].exitCode;
  return typeof code === "number" ? code : code[signal ?? "SIGINT"];
}

export const TASK_STATUSES = Object.keys(OUTCOMES) as [TaskStatus, ...TaskStatus[]];

/** The outcome that decides a run's exit code: interrupted, then unavailable, then a workspace error, then too large, then aborted. */
export function worstOutcome<T extends { status: TaskStatus }>(outcomes: readonly T[]): T | undefined {
  return outcomes.reduce<T | undefined>((worst, o) => (!worst || OUTCOMES[o.status].severity > OUTCOMES[worst.status].severity ? o : worst), undefined);
}

/** The diff left in the workspace (or, in a dry run, the one that would be). */
export function keptDiff(outcome: TaskOutcome): string | null {
  return outcome.status === "complete" || outcome.status === "aborted" ? outcome.diff : null;
}

/** The task's commit, made in this run or (skipped) in the earlier one. */
export function commitOf(outcome: TaskOutcome): TaskCommit | null {
  return outcome.status === "complete" || outcome.status === "skipped" ? outcome.commit : null;
}

/** The files the task changed, as they stay in the workspace: none after a dry run. */
export function changedFiles(outcome: TaskOutcome): string[] {
  if (outcome.status === "complete") return outcome.dryRun ? [] : outcome.files;
  return outcome.status === "aborted" ? outcome.keptFiles : [];
}

/** What a person reading the result needs to know about an outcome that is not a success. */
export function outcomeMessage(outcome: TaskOutcome): string | null {
  switch (outcome.status) {
    case "aborted":
      return outcome.lastErrors.join("\n");
    case "unavailable":
    case "too_large":
    case "workspace_error":
      return outcome.message;
    case "skipped":
      return `completed in the earlier run ${outcome.earlierRunId}`;
    case "complete":
    case "interrupted":
      return null;
  }
}
