// How LiteLLM 1.80.11 in front of Ollama writes its answers, so the scripted server writes them
// the same way: the chunk and completion JSON (key order included), the x-litellm-* headers, and
// every fault body, replayed from the real proxy's captures in testing/fixtures/proxy/ with the
// model names, ports and ids of the moment put back in. test/testing/proxy-fixtures.test.ts
// checks that the real proxy still answers like those captures, and this server like both.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ProxyCapture } from "../proxy/capture.ts";

const FIXTURES = path.resolve(import.meta.dir, "..", "fixtures", "proxy");
const CONFIG = path.resolve(import.meta.dir, "..", "..", "..", "litellm", "config.yaml");

/** The model and Ollama names the captures were taken with. */
const CAPTURED_MODEL = "fast-coder";
const CAPTURED_OLLAMA = "qwen2.5-coder:7b-instruct";

export type FixtureName =
  | "success-stream"
  | "success-json"
  | "wrong-key"
  | "no-key"
  | "unknown-model"
  | "ollama-down"
  | "model-not-pulled"
  | "runner-crashed"
  | "stream-break"
  | "stream-error-line"
  | "cooldown";

export function loadFixture(name: FixtureName): ProxyCapture {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as ProxyCapture;
}

/** model_name -> the Ollama model behind it, from litellm/config.yaml (what LiteLLM puts in "model"). */
export function projectModels(): Map<string, string> {
  const config = Bun.YAML.parse(readFileSync(CONFIG, "utf8")) as { model_list: Array<{ model_name: string; litellm_params: { model: string } }> };
  return new Map(config.model_list.map((m) => [m.model_name, m.litellm_params.model.replace(/^ollama(_chat)?\//, "")]));
}

export interface Moment {
  /** The model name the client asked for. */
  model: string;
  /** The Ollama model behind it (the captured one when the name is not in the config). */
  ollamaModel: string;
  /** The server's own port, where the captures say <port>. */
  port: number;
  /** The "Try again in N seconds" of a cooldown. */
  seconds?: number;
}

export function completionId(): string {
  return `chatcmpl-${crypto.randomUUID()}`;
}

/** Puts the moment's names, ids and numbers where a capture has them masked. */
export function fillIn(text: string, m: Moment): string {
  return text
    .replaceAll(CAPTURED_OLLAMA, m.ollamaModel)
    .replaceAll(`model=${CAPTURED_MODEL}`, `model=${m.model}`)
    .replaceAll(`Model Group=${CAPTURED_MODEL}`, `Model Group=${m.model}`)
    .replaceAll("model=nope", `model=${m.model}`)
    .replaceAll("<port>", String(m.port))
    .replaceAll("<n>", String(m.seconds ?? 5))
    .replaceAll("<deployments>", "'9f4c2e1a', '1b7d3f0e'")
    .replaceAll('"id":"<id>"', () => `"id":"${crypto.randomUUID()}"`)
    .replaceAll('"created":0', `"created":${Math.floor(Date.now() / 1000)}`);
}

/** A capture's headers for this moment, ids and durations freshly made. */
export function fixtureHeaders(capture: ProxyCapture, m: Moment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of capture.headers) {
    out[name] = value === "<masked>" ? maskedValue(name) : fillIn(value, m);
  }
  return out;
}

function maskedValue(name: string): string {
  if (name.endsWith("-ms")) return String(2 + Math.random() * 5);
  if (name === "x-litellm-model-id") return new Bun.CryptoHasher("sha256").update("model-server").digest("hex");
  return crypto.randomUUID();
}

/** The capture's answer (status, headers, body) for this moment. */
export function fixtureAnswer(name: FixtureName, m: Moment): { status: number; headers: Record<string, string>; body: string } {
  const capture = loadFixture(name);
  return { status: capture.status, headers: fixtureHeaders(capture, m), body: fillIn(capture.body, m) };
}

/** The error event a capture's stream ends with (LiteLLM's `data: {"error": ...}`). */
export function fixtureStreamError(name: "stream-break" | "stream-error-line", m: Moment): string {
  const events = loadFixture(name).body.split("\n\n").filter((e) => e.startsWith("data: {\"error\""));
  const last = events.at(-1);
  if (!last) throw new Error(`fixture ${name} has no error event`);
  return `${fillIn(last, m)}\n\n`;
}

// ---- the success shapes -------------------------------------------------------------------

/** One SSE event; LiteLLM writes compact JSON in this key order. */
function event(id: string, created: number, m: Moment, choices: unknown[], usage?: unknown): string {
  const chunk: Record<string, unknown> = { id, created, model: m.ollamaModel, object: "chat.completion.chunk", choices };
  if (usage) chunk.usage = usage;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export function contentEvent(m: Moment, piece: string, first: boolean): string {
  const delta = first ? { content: piece, role: "assistant" } : { content: piece };
  return event(crypto.randomUUID(), Math.floor(Date.now() / 1000), m, [{ index: 0, delta }]);
}

/** The finish event and, when asked for, the usage event after it: both share one id. */
export function closingEvents(m: Moment, finishReason: string, usage: { prompt_tokens: number; completion_tokens: number } | null): string {
  const id = crypto.randomUUID();
  const created = Math.floor(Date.now() / 1000);
  let out = event(id, created, m, [{ finish_reason: finishReason, index: 0, delta: {} }]);
  if (usage) {
    const total = usage.prompt_tokens + usage.completion_tokens;
    out += event(id, created, m, [{ index: 0, delta: {} }], {
      completion_tokens: usage.completion_tokens,
      prompt_tokens: usage.prompt_tokens,
      total_tokens: total,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  }
  return out;
}

export function completionBody(m: Moment, content: string, finishReason: string, usage: { prompt_tokens: number; completion_tokens: number }): string {
  return JSON.stringify({
    id: completionId(),
    created: Math.floor(Date.now() / 1000),
    model: `ollama_chat/${m.ollamaModel}`,
    object: "chat.completion",
    choices: [{ finish_reason: finishReason, index: 0, message: { content, role: "assistant" } }],
    usage: { completion_tokens: usage.completion_tokens, prompt_tokens: usage.prompt_tokens, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
}
