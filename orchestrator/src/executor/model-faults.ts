// What a failed model call means, from what the server sent: one pure function over the status,
// the body and the headers, so every fault of LiteLLM and the Ollama behind it is named by one
// table (test/executor/model-faults.test.ts runs it over the real proxy's recorded answers).
//
// LiteLLM passes every Ollama failure on as HTTP 500 "litellm.APIConnectionError:
// Ollama_chatException - ...", whatever Ollama's own status was, so the cause is read from the
// text: Ollama's "model 'X' not found" is a model that was never pulled, a refused connection is
// Ollama down or unreachable from the proxy. A key other than the master key gets 400
// "No connected db." (no database behind the proxy), not 401.

export type ModelFailureReason =
  | "unreachable" // LITELLM_URL refuses the connection or cannot be resolved, after the retry budget
  | "auth" // the key is refused
  | "unknown_model" // the proxy has no such model name
  | "ollama_unreachable" // the proxy answers, but cannot reach Ollama
  | "model_not_pulled" // Ollama answers, but lacks the model
  | "protocol" // the server does not speak the OpenAI protocol (an HTML page, a bare 404)
  | "server_error" // 5xx / 408 / 429 after the retry budget, or another API error
  | "stream_broken" // the reply stream broke off after the reply had started
  | "cut_off" // the reply arrived but stopped short: at max_tokens, or without a finish_reason (attempt.ts)
  | "timeout" // MODEL_TIMEOUT_MS passed
  | "stalled" // the stream went silent for longer than the stall timeout
  | "aborted"; // our own signal (SIGINT/SIGTERM)

/** The reasons that end the task with exit 3: no other attempt would fare better. */
export const UNAVAILABLE_REASONS = ["unreachable", "auth", "unknown_model", "ollama_unreachable", "model_not_pulled", "protocol"] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export function isUnavailable(reason: ModelFailureReason): reason is UnavailableReason {
  return (UNAVAILABLE_REASONS as readonly string[]).includes(reason);
}

export interface HttpAnswer {
  status: number;
  /** The Content-Type header, or "" when there was none. */
  contentType: string;
  body: string;
}

export interface Fault {
  reason: ModelFailureReason;
  message: string;
  /** Worth another try within the same call (after a wait). */
  retryable: boolean;
  /** model_not_pulled: the Ollama model that is missing, as Ollama named it. */
  ollamaModel?: string;
}

/** Ollama's words, also when quoted inside the proxy's message (model \"x\" not found). */
const OLLAMA_NOT_FOUND = /model \\?['"]([^'"\\]+)\\?['"] not found/;
/** The transports' words for "nothing listens there" or "no such host" (httpx, aiohttp, Python). */
const CANNOT_CONNECT =
  /All connection attempts failed|Cannot connect to host|Connect call failed|Connection refused|Name or service not known|nodename nor servname|Temporary failure in name resolution|No route to host|Network is unreachable/i;
const UNKNOWN_MODEL = /Invalid model name passed in model=|model_not_found|no such model|does not exist/i;

/** The OpenAI error object of a body, or null when the body is not one (HTML, text, FastAPI's {"detail"}). */
export function openAiError(body: string): { message: string; type: string | null; code: string | null } | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const error = (json as { error?: unknown } | null)?.error;
  if (typeof error === "string") return { message: error, type: null, code: null };
  if (typeof error !== "object" || error === null) return null;
  const e = error as { message?: unknown; type?: unknown; code?: unknown };
  const message = typeof e.message === "string" ? e.message : JSON.stringify(e.message ?? error);
  return { message, type: typeof e.type === "string" ? e.type : null, code: e.code == null ? null : String(e.code) };
}

/** A short, single-line excerpt of what was received, for a message. */
export function excerptOf(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** The proxy's message without LiteLLM's routing footer ("Received Model Group=...\nAvailable Model Group Fallbacks=None"). */
export function plainMessage(message: string): string {
  return message.replace(/\.?\s*Received Model Group=[\s\S]*$/, "").trim();
}

/** Classifies an error answer (any status but 2xx) from the model server. */
export function classifyHttpAnswer(answer: HttpAnswer): Fault {
  const { status } = answer;
  const error = openAiError(answer.body);
  if (!error) {
    const what = `HTTP ${status}${answer.contentType ? ` ${answer.contentType.split(";")[0]}` : ""}: ${excerptOf(answer.body) || "(empty body)"}`;
    // A gateway in front of the proxy may be restarting: a 5xx page is worth the retries first.
    return { reason: "protocol", message: `not an OpenAI-compatible answer (${what})`, retryable: status >= 500 };
  }
  const message = plainMessage(error.message);
  if (status === 401 || status === 403 || error.type === "no_db_connection" || /No connected db/i.test(message)) {
    return { reason: "auth", message, retryable: false };
  }
  const notFound = OLLAMA_NOT_FOUND.exec(message);
  if (notFound && (status === 404 || status >= 500)) return { reason: "model_not_pulled", message, retryable: false, ollamaModel: notFound[1]! };
  if ((status === 400 || status === 404) && UNKNOWN_MODEL.test(message)) return { reason: "unknown_model", message, retryable: false };
  if (status >= 500 && /APIConnectionError/.test(message) && CANNOT_CONNECT.test(message)) {
    // Ollama may be restarting: retried within the budget, then exit 3.
    return { reason: "ollama_unreachable", message, retryable: true };
  }
  return { reason: "server_error", message, retryable: status === 408 || status === 429 || status >= 500 };
}

/**
 * Classifies an error event inside a 200 stream (LiteLLM's `data: {"error": ...}`). Once part of
 * the reply has arrived, it is a broken stream: the half reply is never used, and a new call
 * would only start the generation over, so it is not retried here.
 */
export function classifyStreamError(error: { message: string; code: string | null }, receivedChars: number): Fault {
  if (receivedChars > 0) {
    return { reason: "stream_broken", message: `the reply stream broke off after ${receivedChars} characters: ${plainMessage(error.message)}`, retryable: false };
  }
  const status = Number(error.code);
  return classifyHttpAnswer({
    status: Number.isInteger(status) && status >= 400 ? status : 500,
    contentType: "application/json",
    body: JSON.stringify({ error }),
  });
}
