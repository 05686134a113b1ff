// What a user is told when the model server cannot be used: the cause in plain words and the one
// fix for it, per reason (executor/model-faults.ts names the reason). The run's exit 3 message and
// doctor's FAIL lines both read them from here. Pure.
import type { ModelFailureReason } from "../executor/model-faults.ts";

export interface Unavailable {
  reason: ModelFailureReason;
  /** The server's own words. */
  message: string;
  /** The model name smol-coder asked for (a tier's model). */
  model: string;
  /** model_not_pulled: the Ollama model behind it. */
  ollamaModel?: string;
}

const START_PROXY = "`docker compose up -d` in the smol-coder folder, or without Docker `litellm/run.sh`";

/** On Linux Ollama listens on 127.0.0.1 only, which the proxy's container cannot reach. */
export const LINUX_OLLAMA_FIX =
  "On Linux, Ollama listens on 127.0.0.1:11434 only, which the proxy's container cannot reach through host.docker.internal: " +
  "set OLLAMA_HOST=0.0.0.0:11434 for the Ollama service (`sudo systemctl edit ollama`, add `Environment=\"OLLAMA_HOST=0.0.0.0:11434\"`, then `sudo systemctl restart ollama`), " +
  "or run the proxy on the host's network (`network_mode: host` in compose.yaml, with OLLAMA_API_BASE=http://127.0.0.1:11434), or without Docker (`litellm/run.sh`).";

/** The cause, in one sentence that ends with the server's own words. */
export function causeOf(u: Unavailable, url: string): string {
  switch (u.reason) {
    case "unreachable":
      return `cannot reach the model server at ${url}: ${u.message}.`;
    case "auth":
      return `the model server at ${url} refused the API key (key refused): ${u.message}`;
    case "unknown_model":
      return `the model server at ${url} does not serve the model "${u.model}": ${u.message}`;
    case "ollama_unreachable":
      return `the proxy at ${url} is up but cannot reach Ollama at its OLLAMA_API_BASE: ${u.message}`;
    case "model_not_pulled":
      return `Ollama, behind the proxy at ${url}, does not have the model "${u.ollamaModel ?? u.model}" (for "${u.model}"): ${u.message}`;
    case "protocol":
      return `the server at ${url} does not speak the OpenAI protocol: ${u.message}.`;
    case "timeout":
    case "stalled":
      return `"${u.model}" did not answer in time: ${u.message}`;
    default:
      return `the call to "${u.model}" failed (${u.reason}): ${u.message}`;
  }
}

/** The one fix, on one line. */
export function fixFor(u: Unavailable): string {
  switch (u.reason) {
    case "unreachable":
      return `Start the LiteLLM proxy with ${START_PROXY} (and Ollama with \`ollama serve\`), or point LITELLM_URL at a running proxy. \`smol-coder doctor\` checks the setup.`;
    case "auth":
      return 'Set LITELLM_API_KEY to the proxy\'s master key (LITELLM_MASTER_KEY in compose.yaml and for litellm/run.sh; dev-key by default). The proxy runs without a database, so it accepts its master key only and answers any other key with 400 "No connected db.".';
    case "unknown_model":
      return `Add "${u.model}" to model_list in litellm/config.yaml and restart the proxy (\`docker compose restart litellm\`), or set the tier's model (tiers.<tier>.model in smol-coder.config.json, or SMOL_MODEL_<TIER>) to a name the proxy serves.`;
    case "ollama_unreachable":
      return `Start Ollama (\`ollama serve\`) and check the OLLAMA_API_BASE the proxy was started with (compose.yaml: http://host.docker.internal:11434; litellm/run.sh: http://localhost:11434). ${LINUX_OLLAMA_FIX}`;
    case "model_not_pulled":
      return `Pull it once on the machine that runs Ollama: \`ollama pull ${u.ollamaModel ?? u.model}\`.`;
    case "protocol":
      return "Point LITELLM_URL at the LiteLLM proxy's OpenAI base URL, ending in /v1 (http://localhost:4000/v1 by default).";
    case "timeout":
    case "stalled":
      return "The model may still be loading (a first call loads it into memory): run again, or raise MODEL_TIMEOUT_MS / MODEL_STALL_TIMEOUT_MS.";
    default:
      return "Read the proxy's logs (`docker compose logs litellm`, or litellm/run.sh's output) and Ollama's (`journalctl -u ollama`).";
  }
}

export function unavailableMessage(u: Unavailable, url: string): string {
  return `${causeOf(u, url)}\n${fixFor(u)}`;
}
