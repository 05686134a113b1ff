// What the task loop is given, and the small shapes its steps pass along. The loop itself is
// in run-task.ts.
import type { AttemptRecord, ContextSettings, Limits, Task, Tier } from "../core/types.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import type { ExecutorDeps } from "../executor/attempt.ts";
import type { ContextCache } from "../executor/context/cache.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import type { TaskCommitter } from "../git/types.ts";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import type { CheckPlan } from "../verify/plan.ts";
import type { CommandRunner } from "../verify/process.ts";
import type { OwnedFiles } from "../workspace/owned-files.ts";
import type { TaskOutcome } from "./outcomes.ts";
import type { OnPhase } from "./phase.ts";

export interface RunTaskOptions {
  task: Task;
  workspace: string;
  limits: Limits;
  /** Judge every failure, even ones the workspace had before the task. */
  strict?: boolean;
  /** The checks that judge each attempt (run/preflight.ts plans them); none means unverified. */
  checks: CheckPlan;
  /** Run the whole loop, then put the files back; the outcome still carries the diff. */
  dryRun?: boolean;
  /** On abort, leave the last applied attempt in place for inspection. */
  keepFailed?: boolean;
  /** Which parts of the context the model is shown (default: all); a task's filesRead always are. */
  context?: ContextSettings;
  deps: ExecutorDeps & {
    runner?: CommandRunner;
    now?: () => number;
    gate?: WorkspaceGate;
    baselineCache?: BaselineCache;
    /** Project facts per workspace state and parsed library files, shared by the tasks of a batch. */
    contextCache?: ContextCache;
    /** Commits each passing attempt (--commit); absent, nothing is committed. */
    committer?: TaskCommitter;
    /** The state folder: the originals are journalled there before the first write (see workspace/journal.ts). */
    stateDir?: string;
    /** Open tasks' files, so a process that must exit at once can put them back. */
    liveFiles?: Set<OwnedFiles>;
    /** Finishes a killed run's journal (cli/recovery.ts); throws when the user must choose first. */
    recover?: () => Promise<void>;
    onPhase?: OnPhase;
  };
}

/** What the model is told after a reply that ran out of tokens. */
export const CUT_OFF_ADVICE = "Answer with less this time: a unified diff of only the lines that change, without explanations or unchanged code";

/** Reasons a reply was refused for its shape: the retry should ask for another format. */
export const FORMAT_REASONS = new Set(["no_diff", "parse_error", "hunk_not_found", "hunk_ambiguous", "elision"]);

/** task_abort's marker for every end but an abort under --keep-failed: the files are as they were. */
export const NOTHING_KEPT = { keptFailed: false, keptFiles: [] as string[] };

/** The attempt a task was in when it ended early. */
export type InFlight = { attempt: number; tier: Tier; diff?: string };

/** What one attempt leaves: either the task's end, or a failure for the policy to weigh. */
export type Step = { end: TaskOutcome } | { record: AttemptRecord; previous: PreviousAttempt };

