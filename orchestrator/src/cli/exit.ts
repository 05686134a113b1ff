// Where a run's outcomes become the process's exit code. The code itself comes from the
// outcome table (task/outcomes.ts); this adds what the user is told, through the error classes
// that carry the code, so a message and its code can never disagree.
import type { Env } from "../core/env.ts";
import { InputError, InterruptedError, ModelUnavailableError, WorkspaceError, type StopSignal } from "../core/errors.ts";
import { exitCodeOf, worstOutcome, type TaskOutcome } from "../task/outcomes.ts";
import { unavailableMessage } from "./unavailable.ts";

/** Returns the exit code of a run that ended as planned; throws the error that explains any other end. */
export function exitCodeFor(outcomes: readonly TaskOutcome[], env: Env, signal: StopSignal | null): number {
  // A signal decides the code whatever the tasks did, so a supervisor that sent SIGTERM always
  // reads 143, even when the last task finished just before it arrived.
  if (signal) throw new InterruptedError(signal, interruptedDetail(outcomes));
  const worst = worstOutcome(outcomes);
  switch (worst?.status) {
    case "interrupted":
      throw new InterruptedError("SIGINT", interruptedDetail(outcomes));
    case "unavailable":
      throw new ModelUnavailableError(unavailableMessage(worst, env.LITELLM_URL));
    case "workspace_error":
      throw new WorkspaceError(worst.message);
    case "too_large":
      throw new InputError(worst.message);
    case "aborted":
    case "complete":
    case "skipped":
      return exitCodeOf(worst.status, null);
    case undefined:
      return exitCodeOf("complete", null);
  }
}

/** What the interruption left: the interrupted tasks restored, the finished ones as they ended. */
function interruptedDetail(outcomes: readonly TaskOutcome[]): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const stopped = outcomes.filter((o) => o.status === "interrupted").length;
  const kept = outcomes.filter((o) => o.status === "complete").length;
  const parts = [stopped === 0 ? "no task was in progress" : `the files of ${count(stopped, "interrupted task")} were restored`];
  if (kept > 0) parts.push(`${count(kept, "completed task")} keep${kept === 1 ? "s" : ""} ${kept === 1 ? "its" : "their"} changes`);
  for (const o of outcomes) if (o.status === "workspace_error") parts.push(o.message);
  return parts.join("; ");
}
