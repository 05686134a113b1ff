// Where a run's outcomes become the process's exit code. The code itself comes from the
// outcome table (task/outcomes.ts); this adds what the user is told, through the error classes
// that carry the code, so a message and its code can never disagree.
import type { Env } from "../core/env.ts";
import { EXIT, InputError, InterruptedError, ModelUnavailableError } from "../core/errors.ts";
import { worstOutcome, type TaskOutcome } from "../task/outcomes.ts";

/** Returns the exit code of a run that ended as planned; throws the error that explains any other end. */
export function exitCodeFor(outcomes: readonly TaskOutcome[], env: Env, signal: string | null): number {
  const worst = worstOutcome(outcomes);
  switch (worst?.status) {
    case "interrupted":
      throw new InterruptedError(signal ?? "signal");
    case "unavailable":
      throw new ModelUnavailableError(unavailableMessage(worst, env));
    case "too_large":
      throw new InputError(worst.message);
    case "aborted":
      return EXIT.aborted;
    case "complete":
    case undefined:
      return EXIT.ok;
  }
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
