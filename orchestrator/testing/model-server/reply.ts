// Scripted replies for the model server: plain data, built with `reply.*`. The proxy's faults
// (`reply.ollamaDown()`, `reply.modelNotPulled()`, ...) are the real LiteLLM's answers, replayed
// from testing/fixtures/proxy/.
import type { FixtureName } from "./litellm-format.ts";

export type ReplyKind = "text" | "error" | "fixture" | "hang" | "drop" | "raw";

/** One scripted response. Build it with `reply.*`; the fields are plain data. */
export type Reply = {
  kind: ReplyKind;
  /** text: assistant content. raw: the response body. */
  content: string;
  /** HTTP status (200 for text). */
  status: number;
  /** error: the `error` object of the body. */
  error?: { message: string; type: string; param: string | null; code: string | null };
  /** fixture: which recorded answer of the real proxy. */
  fixture?: FixtureName;
  /** fixture "cooldown": the seconds in "Try again in N seconds". */
  seconds?: number;
  /** Scripted usage; when absent, estimated as ceil(chars / 4). */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Milliseconds to wait before sending headers (or before dropping). */
  delayMs: number;
  /** Wait for this promise to settle before sending headers (after delayMs). */
  gate?: Promise<unknown>;
  /** Streaming only: send this many content chunks, then go silent forever. */
  stallAfter?: number;
  /** Streaming only: send this many content chunks, then the proxy's error event for a broken Ollama stream. */
  breakAfter?: { chunks: number; as: "stream-break" | "stream-error-line" };
  /** Streaming: characters per content delta. */
  chunkSize: number;
  /** Streaming: milliseconds between chunks (default 0). */
  chunkDelayMs: number;
  /** finish_reason of the choice (default "stop"); null: the stream ends without one. */
  finishReason: string | null;
  /** Answer a streamed request with a plain JSON completion, as some servers do. */
  asJson: boolean;
  /** Extra response headers. */
  headers: Record<string, string>;
};

export interface ReplyBuilder {
  /** Scripted usage (prompt_tokens, completion_tokens). */
  usage(prompt: number, completion: number): ReplyBuilder;
  /** Delay before headers are sent (for drop: before the socket is destroyed). */
  delay(ms: number): ReplyBuilder;
  /** Hold the response (before headers) until `p` settles: deterministic release from a test. */
  waitFor(p: Promise<unknown>): ReplyBuilder;
  /** Streaming only: send the first N content chunks, then go silent forever. */
  stallAfter(chunks: number): ReplyBuilder;
  /** Streaming only: N content chunks, then the proxy's error event for an Ollama stream cut off (or an in-band error). */
  breakAfter(chunks: number, as?: "stream-break" | "stream-error-line"): ReplyBuilder;
  /** Streaming: characters per content delta (default 20). */
  chunkSize(chars: number): ReplyBuilder;
  /** Streaming: delay between chunks (default 0). */
  chunkDelay(ms: number): ReplyBuilder;
  /** finish_reason (default "stop"), e.g. "length"; null sends none. */
  finishReason(reason: string | null): ReplyBuilder;
  /** A plain JSON completion even to a streamed request. */
  asJson(): ReplyBuilder;
  /** Extra response header. */
  header(name: string, value: string): ReplyBuilder;
  build(): Reply;
}

class Builder implements ReplyBuilder {
  readonly #r: Reply;
  constructor(r: Reply) {
    this.#r = r;
  }
  #set(change: Partial<Reply>): ReplyBuilder {
    Object.assign(this.#r, change);
    return this;
  }
  usage(prompt: number, completion: number): ReplyBuilder {
    return this.#set({ usage: { prompt_tokens: prompt, completion_tokens: completion } });
  }
  delay(ms: number): ReplyBuilder {
    return this.#set({ delayMs: ms });
  }
  waitFor(p: Promise<unknown>): ReplyBuilder {
    return this.#set({ gate: p });
  }
  stallAfter(chunks: number): ReplyBuilder {
    return this.#set({ stallAfter: chunks });
  }
  breakAfter(chunks: number, as: "stream-break" | "stream-error-line" = "stream-break"): ReplyBuilder {
    return this.#set({ breakAfter: { chunks, as } });
  }
  chunkSize(chars: number): ReplyBuilder {
    if (!(chars >= 1)) throw new Error("chunkSize must be >= 1");
    return this.#set({ chunkSize: Math.floor(chars) });
  }
  chunkDelay(ms: number): ReplyBuilder {
    return this.#set({ chunkDelayMs: ms });
  }
  finishReason(reason: string | null): ReplyBuilder {
    return this.#set({ finishReason: reason });
  }
  asJson(): ReplyBuilder {
    return this.#set({ asJson: true });
  }
  header(name: string, value: string): ReplyBuilder {
    this.#r.headers[name.toLowerCase()] = value;
    return this;
  }
  build(): Reply {
    return {
      ...this.#r,
      headers: { ...this.#r.headers },
      ...(this.#r.usage ? { usage: { ...this.#r.usage } } : {}),
      ...(this.#r.error ? { error: { ...this.#r.error } } : {}),
    };
  }
}

function base(kind: ReplyKind, status: number): Reply {
  return { kind, content: "", status, delayMs: 0, chunkSize: 20, chunkDelayMs: 0, finishReason: "stop", asJson: false, headers: {} };
}

/** LiteLLM-ish default `type` for an error status. */
function defaultErrorType(status: number): string {
  if (status === 400) return "invalid_request_error";
  if (status === 401) return "auth_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 408) return "timeout_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "internal_server_error";
  return "api_error";
}

function fixture(name: FixtureName, extra: Partial<Reply> = {}): ReplyBuilder {
  return new Builder({ ...base("fixture", 0), fixture: name, ...extra });
}

export const reply = {
  /** 200 chat completion (JSON or SSE, following the request's `stream`) with this content. */
  text(content: string): ReplyBuilder {
    return new Builder({ ...base("text", 200), content });
  },
  /** An OpenAI-style error: status + `{"error":{"message","type","param","code"}}`. */
  error(
    status: number,
    message: string,
    opts: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
  ): ReplyBuilder {
    const b = new Builder({
      ...base("error", status),
      error: { message, type: opts.type ?? defaultErrorType(status), param: opts.param ?? null, code: opts.code === undefined ? String(status) : opts.code },
    });
    for (const [k, v] of Object.entries(opts.headers ?? {})) b.header(k, v);
    return b;
  },
  /** LiteLLM's 429 while every deployment of the model group cools down: no retry-after header, only the message. */
  rateLimited(retryAfterSeconds = 1): ReplyBuilder {
    return fixture("cooldown", { seconds: retryAfterSeconds });
  },
  /** The proxy is up, Ollama is not: 500 APIConnectionError "All connection attempts failed". */
  ollamaDown(): ReplyBuilder {
    return fixture("ollama-down");
  },
  /** Ollama lacks the model behind the name: the proxy's 500 with Ollama's 404 body inside. */
  modelNotPulled(): ReplyBuilder {
    return fixture("model-not-pulled");
  },
  /** Ollama's runner died before the first token: the proxy's 500. */
  runnerCrashed(): ReplyBuilder {
    return fixture("runner-crashed");
  },
  /** Any status and body verbatim (e.g. an HTML 502 from a broken proxy). */
  raw(status: number, body: string, contentType = "text/plain"): ReplyBuilder {
    return new Builder({ ...base("raw", status), content: body }).header("content-type", contentType);
  },
  /** Accept the request and never answer (until the client disconnects or the server stops). */
  hang(): ReplyBuilder {
    return new Builder(base("hang", 0));
  },
  /** Destroy the connection without any response. */
  drop(): ReplyBuilder {
    return new Builder(base("drop", 0));
  },
};

export function toReply(r: Reply | ReplyBuilder): Reply {
  return r instanceof Builder ? r.build() : "build" in r && typeof r.build === "function" ? r.build() : (r as Reply);
}
