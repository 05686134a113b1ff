// Where a run's outcomes become the process's exit code. The code itself comes from the
// outcome table (task/outcomes.ts); this adds what the user is told, through the error classes
// that carry the code, so a message and its code can never disagree.
import type { Env } from "../core/env.ts";
import { EXIT, InputError, InterruptedError, ModelUnavailableError } from "../core/errors.ts";
import { worstOutcome, type TaskOutcome } from "../task/outcomes.ts";
import { unavailableMessage } from "./unavailable.ts";

/** Returns the exit code of a run that ended as planned; throws the error that explains any other end. */
export function exitCodeFor(outcomes: readonly TaskOutcome[], env: Env, signal: string | null): number {
  const worst = worstOutcome(outcomes);
  switch (worst?.status) {
    case "interrupted":
      throw new InterruptedError(signal ?? "signal");
    case "unavailable":
      throw new ModelUnavailableError(unavailableMessage(worst, env.LITELLM_URL));
    case "too_large":
      throw new InputError(worst.message);
    case "aborted":
      return EXIT.aborted;
    case "complete":
    case undefined:
      return EXIT.ok;
  }
}
