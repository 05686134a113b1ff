// The ways a task can end, in one table. The result file's status enum, the batch totals, the
// run_summary counts and the exit code all read this table, so a new outcome is added here (and
// in the union below) and nowhere else.
import type { TokenTotals } from "../core/events.ts";
import { EXIT } from "../core/errors.ts";
import type { Tier } from "../core/types.ts";
import type { UnavailableReason } from "../executor/model-faults.ts";

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
  | ({ status: "complete"; files: string[]; diff: string; /** False when no check ran (--no-checks). */ verified: boolean } & TaskSummary)
  | ({ status: "aborted"; lastErrors: string[]; reason: string; diff: string | null } & TaskSummary)
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
  | ({ status: "interrupted" } & TaskSummary);

export type TaskStatus = TaskOutcome["status"];

interface OutcomeSpec {
  /** The process's exit code when this is the most severe outcome of the run. */
  exitCode: number;
  /** Decides which outcome of a batch sets the exit code: the highest wins. */
  severity: number;
  /** Which count of the run's totals it adds to. */
  tally: "complete" | "aborted" | "failed";
}

export const OUTCOMES: Record<TaskStatus, OutcomeSpec> = {
  complete: { exitCode: EXIT.ok, severity: 0, tally: "complete" },
  aborted: { exitCode: EXIT.aborted, severity: 1, tally: "aborted" },
  too_large: { exitCode: EXIT.badInput, severity: 2, tally: "failed" },
  unavailable: { exitCode: EXIT.modelUnavailable, severity: 3, tally: "failed" },
  interrupted: { exitCode: EXIT.interrupted, severity: 4, tally: "failed" },
};

export const TASK_STATUSES = Object.keys(OUTCOMES) as [TaskStatus, ...TaskStatus[]];

/** The outcome that decides a run's exit code: interrupted, then unavailable, then too large, then aborted. */
export function worstOutcome<T extends { status: TaskStatus }>(outcomes: readonly T[]): T | undefined {
  return outcomes.reduce<T | undefined>((worst, o) => (!worst || OUTCOMES[o.status].severity > OUTCOMES[worst.status].severity ? o : worst), undefined);
}

/** The diff left in the workspace (or, in a dry run, the one that would be). */
export function keptDiff(outcome: TaskOutcome): string | null {
  return outcome.status === "complete" || outcome.status === "aborted" ? outcome.diff : null;
}

/** The files the task changed, as they stay in the workspace. */
export function changedFiles(outcome: TaskOutcome): string[] {
  return outcome.status === "complete" ? outcome.files : [];
}

/** What a person reading the result needs to know about an outcome that is not a success. */
export function outcomeMessage(outcome: TaskOutcome): string | null {
  switch (outcome.status) {
    case "aborted":
      return outcome.lastErrors.join("\n");
    case "unavailable":
    case "too_large":
      return outcome.message;
    case "complete":
    case "interrupted":
      return null;
  }
}
