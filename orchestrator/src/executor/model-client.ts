// Talks to LiteLLM (or any OpenAI-compatible server) through the official SDK. Streams the reply
// so a stalled generation is caught, and sorts every failure into either a transient one,
// retried here within a budget, or a result the caller acts on.
import type OpenAI from "openai";
import type { ChatMessage } from "./prompt.ts";
import type { ModelReply } from "../core/types.ts";
import { probeServer, type Reachability, type ReachOptions } from "./reachable.ts";

export interface ModelRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Told about each transient failure before the wait that follows it. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  retry: number;
  waitMs: number;
  status: number | null;
  reason: string;
}

export type ModelFailureReason =
  | "unreachable" // connection refused or reset, after the retry budget
  | "auth" // 401 / 403
  | "unknown_model" // the proxy does not serve this model name
  | "server_error" // 5xx / 408 / 429 after the retry budget, or another API error
  | "timeout" // MODEL_TIMEOUT_MS passed
  | "stalled" // the stream went silent for longer than the stall timeout
  | "aborted"; // our own signal (SIGINT/SIGTERM)

export type ModelResult =
  | ({ ok: true } & ModelReply)
  | {
      ok: false;
      reason: ModelFailureReason;
      message: string;
      status: number | null;
      durationMs: number;
      /** How long the server asked us to wait (429), when it said. */
      retryAfterMs?: number;
    };

export type ModelFailure = Extract<ModelResult, { ok: false }>;

export interface ModelClient {
  complete(request: ModelRequest): Promise<ModelResult>;
  /** Load what the first call needs ahead of time, so it is not paid for at the caller's turn. */
  prepare?(): void;
  /**
   * Whether the server answers at all (reachable.ts); asked before a task spends its baseline.
   * A success is remembered for the client's life, so the tasks of a batch ask once.
   */
  reachable?(options?: ReachOptions): Promise<Reachability>;
}

export interface ModelClientOptions {
  baseURL: string;
  apiKey: string;
  timeoutMs: number;
  /** Longest silence allowed inside a stream; shorter than timeoutMs. */
  stallTimeoutMs?: number;
  maxRetries: number;
  /** Most 429 waits for one call: the proxy's queue is back-pressure, not a failure. */
  maxRateLimitWaits?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

type Sdk = typeof OpenAI;

/** A probe slower than this is taken as "there": the call, with its own timeout, decides. */
const PROBE_TIMEOUT_MS = 10_000;

export function createModelClient(options: ModelClientOptions): ModelClient {
  // The SDK is loaded on the first call, not at start-up: it is the largest module the CLI
  // needs, and a process that queues for a slot has no use for it until its turn comes.
  let loaded: Promise<{ Sdk: Sdk; client: OpenAI }> | null = null;
  const load = () =>
    (loaded ??= import("openai").then(({ default: Sdk }) => ({
      Sdk,
      client: new Sdk({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 0 }),
    })));
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const stallMs = options.stallTimeoutMs ?? Math.min(60_000, options.timeoutMs);
  const maxRateLimitWaits = options.maxRateLimitWaits ?? 20;

  async function once(request: ModelRequest, started: number): Promise<ModelResult> {
    const { Sdk, client } = await load();
    const controller = new AbortController();
    let why: "timeout" | "stalled" | "aborted" | null = null;
    const stop = (reason: "timeout" | "stalled" | "aborted") => {
      why ??= reason;
      controller.abort();
    };
    const overall = setTimeout(() => stop("timeout"), options.timeoutMs);
    let stall = setTimeout(() => stop("stalled"), options.timeoutMs);
    const resetStall = () => {
      clearTimeout(stall);
      stall = setTimeout(() => stop("stalled"), stallMs);
    };
    const onAbort = () => stop("aborted");
    request.signal?.addEventListener("abort", onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    try {
      const stream = await client.chat.completions.create(
        {
          model: request.model,
          messages: request.messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        },
        { signal: controller.signal, timeout: options.timeoutMs },
      );
      resetStall();
      let content = "";
      let finished = false;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        resetStall();
        for (const choice of chunk.choices) {
          content += choice.delta?.content ?? "";
          if (choice.finish_reason) finished = true;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      // An aborted stream ends its loop quietly, so the flag, not an exception, tells us.
      if (why) return failure(why, null, started);
      if (!finished && content === "") return failure("server_error", null, started, "stream ended without a reply");
      const promptTokens = usage?.prompt_tokens ?? 0;
      const completionTokens = usage?.completion_tokens ?? 0;
      return {
        ok: true,
        content,
        model: request.model,
        usage: { promptTokens, completionTokens, totalTokens: usage?.total_tokens ?? promptTokens + completionTokens },
        durationMs: Math.round(now() - started),
      };
    } catch (err) {
      if (why) return failure(why, null, started);
      return classify(Sdk, err, request.model, started);
    } finally {
      clearTimeout(overall);
      clearTimeout(stall);
      request.signal?.removeEventListener("abort", onAbort);
    }
  }

  function failure(reason: ModelFailureReason, status: number | null, started: number, message?: string): ModelFailure {
    const text =
      message ??
      {
        timeout: `no complete reply within ${options.timeoutMs} ms (MODEL_TIMEOUT_MS)`,
        stalled: `the reply stream was silent for ${stallMs} ms`,
        aborted: "the call was interrupted",
      }[reason as "timeout" | "stalled" | "aborted"] ??
      reason;
    return { ok: false, reason, message: text, status, durationMs: Math.round(now() - started) };
  }

  function classify(Sdk: Sdk, err: unknown, model: string, started: number): ModelResult {
    if (err instanceof Sdk.APIConnectionTimeoutError) return failure("timeout", null, started);
    if (err instanceof Sdk.APIUserAbortError) return failure("aborted", null, started);
    if (err instanceof Sdk.APIConnectionError) {
      const cause = (err.cause as { code?: string; message?: string } | undefined) ?? {};
      return failure("unreachable", null, started, `cannot connect to ${options.baseURL} (${cause.code ?? cause.message ?? err.message})`);
    }
    if (err instanceof Sdk.APIError) {
      const status = err.status ?? null;
      const message = apiMessage(err);
      if (status === 401 || status === 403) return failure("auth", status, started, message);
      if (isUnknownModel(status, message)) return failure("unknown_model", status, started, `model "${model}" is not served: ${message}`);
      const result = failure("server_error", status, started, message);
      const retryAfterMs = status === 429 ? parseRetryAfter(err.headers, message) : undefined;
      return retryAfterMs === undefined ? result : { ...result, retryAfterMs };
    }
    return failure("server_error", null, started, err instanceof Error ? err.message : String(err));
  }

  let reached: Promise<Reachability> | null = null;
  const probeTimeoutMs = Math.min(options.timeoutMs, PROBE_TIMEOUT_MS);

  return {
    reachable(reach) {
      const mine = (reached ??= probeServer(
        { baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: options.maxRetries, timeoutMs: probeTimeoutMs, backoff, sleep, now },
        reach,
      ));
      // Only a success is kept: a later task (or a retry by the user's script) asks again.
      void mine.then((r) => {
        if (!r.ok && reached === mine) reached = null;
      });
      return mine;
    },
    prepare() {
      // A failed load is reported by the call that needs it.
      load().catch(() => {});
    },
    async complete(request) {
      const started = now();
      let transientRetries = 0;
      let rateLimitWaits = 0;
      for (let retry = 1; ; retry++) {
        const result = await once(request, started);
        if (result.ok || request.signal?.aborted) return result;
        const wait = retryDelay(result, transientRetries, rateLimitWaits);
        if (wait === null) return result;
        if (result.status === 429) rateLimitWaits++;
        else transientRetries++;
        request.onRetry?.({ retry, waitMs: wait, status: result.status, reason: result.message });
        await sleep(wait, request.signal).catch(() => {});
        if (request.signal?.aborted) return failure("aborted", null, started);
      }
    },
  };

  function retryDelay(result: ModelFailure, transient: number, waits: number): number | null {
    if (result.status === 429) {
      if (waits >= maxRateLimitWaits) return null;
      return result.retryAfterMs ?? backoff(waits);
    }
    const retryable =
      result.reason === "unreachable" ||
      (result.reason === "server_error" && (result.status === null || result.status === 408 || result.status >= 500));
    if (!retryable || transient >= options.maxRetries) return null;
    return backoff(transient);
  }

  function backoff(n: number): number {
    // Exponential with full jitter in the upper half: spreads a burst of retries from many tasks.
    const base = Math.min(8_000, 500 * 2 ** n);
    return Math.round(base / 2 + random() * (base / 2));
  }
}

function apiMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : err.message;
}

/**
 * LiteLLM says how long to wait in the message ("Try again in 5 seconds") and not always in a
 * header, so both are read; the header wins when both are there.
 */
export function parseRetryAfter(headers: Headers | undefined, message: string): number | undefined {
  const ms = Number(headers?.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const header = headers?.get("retry-after");
  if (header) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const match = /try again in (\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)?/i.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  return /^m/i.test(match[2] ?? "") ? value : value * 1000;
}

function isUnknownModel(status: number | null, message: string): boolean {
  if (status !== 400 && status !== 404) return false;
  return /invalid model name|model .*not found|no such model|model_not_found|does not exist/i.test(message);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
