// What a user is told when the model server cannot be used (exit 3): the cause in plain words and
// the one fix for it, per reason (executor/model-faults.ts names the reason). Pure.
import type { UnavailableReason } from "../executor/model-faults.ts";

export interface Unavailable {
  reason: UnavailableReason;
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

export function unavailableMessage(u: Unavailable, url: string): string {
  switch (u.reason) {
    case "unreachable":
      return `cannot reach the model server at ${url}: ${u.message}.\nStart the LiteLLM proxy with ${START_PROXY} (and Ollama with \`ollama serve\`), or point LITELLM_URL at a running proxy. \`bun run src/index.ts doctor\` checks the setup.`;
    case "auth":
      return `the model server at ${url} refused the API key (key refused): ${u.message}\nSet LITELLM_API_KEY to the proxy's master key (LITELLM_MASTER_KEY in compose.yaml and for litellm/run.sh; dev-key by default). The proxy runs without a database, so it accepts its master key only and answers any other key with 400 "No connected db.".`;
    case "unknown_model":
      return `the model server at ${url} does not serve the model "${u.model}": ${u.message}\nAdd "${u.model}" to model_list in litellm/config.yaml and restart the proxy (\`docker compose restart litellm\`), or set the tier's model (tiers.<tier>.model in smol-coder.config.json, or SMOL_MODEL_<TIER>) to a name the proxy serves.`;
    case "ollama_unreachable":
      return `the proxy at ${url} is up but cannot reach Ollama at its OLLAMA_API_BASE: ${u.message}\nStart Ollama (\`ollama serve\`) and check the OLLAMA_API_BASE the proxy was started with (compose.yaml: http://host.docker.internal:11434; litellm/run.sh: http://localhost:11434). ${LINUX_OLLAMA_FIX}`;
    case "model_not_pulled": {
      const name = u.ollamaModel ?? u.model;
      return `Ollama, behind the proxy at ${url}, does not have the model "${name}" (for "${u.model}"): ${u.message}\nPull it once on the machine that runs Ollama: \`ollama pull ${name}\`.`;
    }
    case "protocol":
      return `the server at ${url} does not speak the OpenAI protocol: ${u.message}.\nPoint LITELLM_URL at the LiteLLM proxy's OpenAI base URL, ending in /v1 (http://localhost:4000/v1 by default).`;
  }
}
