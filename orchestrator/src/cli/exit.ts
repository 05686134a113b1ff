// Where a run's outcomes become the process's exit code. The code itself comes from the
// outcome table (task/outcomes.ts); this adds what the user is told, through the error classes
// that carry the code, so a message and its code can never disagree.
import type { Env } from "../core/env.ts";
import { InputError, InterruptedError, ModelUnavailableError, WorkspaceError, type StopSignal } from "../core/errors.ts";
import { exitCodeOf, worstOutcome, type TaskOutcome } from "../task/outcomes.ts";

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
      throw new ModelUnavailableError(unavailableMessage(worst, env));
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

function unavailableMessage(outcome: Extract<TaskOutcome, { status: "unavailable" }>, env: Env): string {
  const url = env.LITELLM_URL;
  switch (outcome.reason) {
    case "unreachable":
      return `cannot reach the model server at ${url}: ${outcome.message}.\nStart LiteLLM with \`docker compose up -d\` in the smol-coder folder (without Docker: \`bash litellm/run.sh\`), and Ollama with \`ollama serve\`; or point LITELLM_URL at a running proxy. \`smol-coder doctor\` checks the setup.`;
    case "auth":
      return `the model server at ${url} refused the API key: ${outcome.message}.\nSet LITELLM_API_KEY to the proxy's master key (LITELLM_MASTER_KEY in compose.yaml; dev-key by default).`;
    case "unknown_model":
      return `the model server at ${url} does not serve the model "${outcome.model}": ${outcome.message}.\nAdd "${outcome.model}" to model_list in litellm/config.yaml and restart the proxy (\`docker compose restart litellm\`), or set the tier's model in smol-coder.config.json.`;
  }
}
