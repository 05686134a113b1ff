// The proxy's answers worth recording: each success shape and each fault smol-coder must name,
// with what the Ollama stand-in does to cause it. testing/proxy/record.ts captures them from the
// real LiteLLM proxy into testing/fixtures/proxy/, the scripted model server replays them, and
// test/testing/proxy-fixtures.test.ts checks that the real proxy still answers the same.
import { ollamaReply } from "../ollama/script.ts";
import type { OllamaStandIn } from "../ollama/standin.ts";

export const FAST_OLLAMA_MODEL = "qwen2.5-coder:7b-instruct";

export interface ScenarioRequest {
  method: "GET" | "POST";
  path: string;
  /** null: no Authorization header at all. */
  key: string | null;
  /** POST /v1/chat/completions body. */
  body?: Record<string, unknown>;
}

export interface ProxyScenario {
  name: string;
  description: string;
  request: ScenarioRequest;
  /** Sets the stand-in up for the fault; returns how to undo it. */
  arrange?: (ollama: OllamaStandIn) => (() => void) | void;
  /** Which proxy answers: the project's config, or the derived one with two fast-coder deployments. */
  proxy?: "project" | "two-deployments";
}

const messages = [{ role: "user", content: "Say hello." }];

function chat(body: Record<string, unknown>, key: string | null = "dev-key"): ScenarioRequest {
  return { method: "POST", path: "/v1/chat/completions", key, body: { model: "fast-coder", messages, ...body } };
}

const streamed = { stream: true, stream_options: { include_usage: true } };

export const SCENARIOS: readonly ProxyScenario[] = [
  {
    name: "success-stream",
    description: "a streamed reply with usage: role in the first delta, finish_reason in its own chunk, then usage and [DONE]",
    request: chat(streamed),
    arrange: (o) => void o.enqueue(FAST_OLLAMA_MODEL, ollamaReply.text("Hello from Ollama.").chunkChars(6).counts(25, 3)),
  },
  {
    name: "success-json",
    description: "a non-streamed reply",
    request: chat({ stream: false }),
    arrange: (o) => void o.enqueue(FAST_OLLAMA_MODEL, ollamaReply.text("Hello from Ollama.").counts(25, 3)),
  },
  {
    name: "length-stream",
    description: "Ollama stops at num_predict (done_reason length): streamed, finish_reason is length",
    request: chat({ ...streamed, max_tokens: 3 }),
    arrange: (o) => void o.enqueue(FAST_OLLAMA_MODEL, ollamaReply.text("Hello from Ollama.").chunkChars(6).counts(25, 3).length()),
  },
  {
    name: "wrong-key",
    description: "a key other than the master key, and no database: 400 no_db_connection",
    request: chat(streamed, "wrong-key"),
  },
  {
    name: "no-key",
    description: "no Authorization header: 401",
    request: chat(streamed, null),
  },
  {
    name: "unknown-model",
    description: "a model name that is not in model_list: 400 Invalid model name",
    request: { ...chat(streamed), body: { model: "nope", messages, ...streamed } },
  },
  {
    name: "ollama-down",
    description: "Ollama refuses connections: 500 APIConnectionError, All connection attempts failed",
    request: chat(streamed),
    arrange: (o) => {
      o.down();
      return () => o.up();
    },
  },
  {
    name: "model-not-pulled",
    description: "Ollama answers 404 model not found: the proxy passes it on as a 500 with Ollama's body inside",
    request: chat(streamed),
    arrange: (o) => {
      o.models.delete(FAST_OLLAMA_MODEL);
      return () => o.models.add(FAST_OLLAMA_MODEL);
    },
  },
  {
    name: "runner-crashed",
    description: "Ollama answers 500 before the first token (its runner died)",
    request: chat(streamed),
    arrange: (o) => void o.enqueue(FAST_OLLAMA_MODEL, ollamaReply.runnerCrashed()),
  },
  {
    name: "stream-break",
    description: "the connection to Ollama ends after 2 chunks: the client gets them, then an SSE error event (code 503), no [DONE]",
    request: chat(streamed),
    arrange: (o) => void o.enqueue(FAST_OLLAMA_MODEL, ollamaReply.text("Hello from Ollama.").chunkChars(6).breakAfter(2)),
  },
  {
    name: "stream-error-line",
    description: "Ollama writes an in-band error line after 2 chunks: the client gets an SSE error event",
    request: chat(streamed),
    arrange: (o) => void o.enqueue(FAST_OLLAMA_MODEL, ollamaReply.text("Hello from Ollama.").chunkChars(6).errorLineAfter(2)),
  },
  {
    name: "cooldown",
    description: "every deployment of the model group cooling down: 429 No deployments available, Try again in N seconds, and no retry-after header",
    request: chat(streamed),
    proxy: "two-deployments",
  },
  {
    name: "liveliness",
    description: "GET /health/liveliness, no key",
    request: { method: "GET", path: "/health/liveliness", key: null },
  },
  {
    name: "models",
    description: "GET /v1/models with the key",
    request: { method: "GET", path: "/v1/models", key: "dev-key" },
  },
];

export function scenario(name: string): ProxyScenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no proxy scenario "${name}"`);
  return found;
}
