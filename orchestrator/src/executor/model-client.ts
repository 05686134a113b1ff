// Talks to LiteLLM (or any OpenAI-compatible server) through the official SDK. Streams the reply
// so a stalled generation is caught, and sorts every failure (model-faults.ts) into a transient
// one, retried here within a budget (model-retry.ts), or a result the caller acts on.
import type OpenAI from "openai";
import type { ModelReply } from "../core/types.ts";
import { probeServer, type Reachability, type ReachOptions } from "./reachable.ts";
import { classifyHttpAnswer, type Fault, type ModelFailureReason } from "./model-faults.ts";
import { readReply, type SseEvents } from "./model-reply.ts";
import { backoff, planRetry, parseRetryAfter, type RetryState } from "./model-retry.ts";
import type { ChatMessage } from "./prompt.ts";

export { parseRetryAfter } from "./model-retry.ts";
export type { ModelFailureReason } from "./model-faults.ts";

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
      /** model_not_pulled: the Ollama model that is missing. */
      ollamaModel?: string;
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

/** One HTTP call's end: a reply, or a failure and whether the same call is worth repeating. */
type Called = { ok: true; result: Extract<ModelResult, { ok: true }> } | { ok: false; failure: ModelFailure; retryable: boolean };

interface Loaded {
  Sdk: typeof OpenAI;
  client: OpenAI;
  events: (controller: AbortController) => SseEvents;
}

/**
 * The raw text of each error answer, keyed by the Headers object the SDK's APIError carries: the
 * SDK keeps only the parsed `error` field of a body, and an HTML page or a bare {"detail"} is
 * exactly what a user needs to see when the server is not the proxy.
 */
function recordingFetch(bodies: WeakMap<Headers, string>): typeof fetch {
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await fetch(input, init);
    if (res.ok) return res;
    const text = await res.text().catch(() => "");
    const copy = new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    bodies.set(copy.headers, text);
    return copy;
  };
  return wrapped as typeof fetch;
}

/** A probe slower than this is taken as "there": the call, with its own timeout, decides. */
const PROBE_TIMEOUT_MS = 10_000;

export function createModelClient(options: ModelClientOptions): ModelClient {
  const bodies = new WeakMap<Headers, string>();
  // The SDK is loaded on the first call, not at start-up: it is the largest module the CLI
  // needs, and a process that queues for a slot has no use for it until its turn comes.
  let loaded: Promise<Loaded> | null = null;
  const load = () =>
    (loaded ??= Promise.all([import("openai"), import("openai/core/streaming")]).then(([{ default: Sdk }, { Stream }]) => ({
      Sdk,
      client: new Sdk({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 0, fetch: recordingFetch(bodies) }),
      events: (controller: AbortController) => (response: Response) => Stream.fromSSEResponse(response, controller) as never,
    })));
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const stallMs = options.stallTimeoutMs ?? Math.min(60_000, options.timeoutMs);
  const policy = { maxRetries: options.maxRetries, maxRateLimitWaits: options.maxRateLimitWaits ?? 20, timeoutMs: options.timeoutMs, random };

  async function once(request: ModelRequest, started: number): Promise<Called> {
    const { Sdk, client, events } = await load();
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
      const response = await client.chat.completions
        .create(
          {
            model: request.model,
            messages: request.messages,
            stream: true,
            stream_options: { include_usage: true },
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
          },
          { signal: controller.signal, timeout: options.timeoutMs },
        )
        .asResponse();
      resetStall();
      const read = await readReply(response, events(controller), resetStall);
      // An aborted stream ends its loop quietly, so the flag, not an exception, tells us.
      if (why) return stopped(why, started);
      if (!read.ok) return fromFault(read.fault, response.status, started);
      if (read.content === "" && read.finishReason === null) {
        return fromFault({ reason: "server_error", message: "the stream ended without a reply", retryable: true }, response.status, started);
      }
      const promptTokens = read.usage?.prompt_tokens ?? 0;
      const completionTokens = read.usage?.completion_tokens ?? 0;
      const usage = { promptTokens, completionTokens, totalTokens: read.usage?.total_tokens ?? promptTokens + completionTokens };
      const durationMs = Math.round(now() - started);
      return { ok: true, result: { ok: true, content: read.content, model: request.model, finishReason: read.finishReason, usage, durationMs } };
    } catch (err) {
      if (why) return stopped(why, started);
      return classify(Sdk, err, started);
    } finally {
      clearTimeout(overall);
      clearTimeout(stall);
      request.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Our own timers or signal ended the call: never retried (a timeout is the attempt failing). */
  function stopped(reason: "timeout" | "stalled" | "aborted", started: number): Called {
    return { ok: false, failure: stoppedFailure(reason, started), retryable: false };
  }

  function stoppedFailure(reason: "timeout" | "stalled" | "aborted", started: number): ModelFailure {
    const message = {
      timeout: `no complete reply within ${options.timeoutMs} ms (MODEL_TIMEOUT_MS)`,
      stalled: `the reply stream was silent for ${stallMs} ms`,
      aborted: "the call was interrupted",
    }[reason];
    return { ok: false, reason, message, status: null, durationMs: Math.round(now() - started) };
  }

  function fromFault(fault: Fault, status: number | null, started: number, retryAfterMs?: number): Called {
    const failure: ModelFailure = {
      ok: false,
      reason: fault.reason,
      message: fault.message,
      status,
      durationMs: Math.round(now() - started),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(fault.ollamaModel ? { ollamaModel: fault.ollamaModel } : {}),
    };
    return { ok: false, failure, retryable: fault.retryable };
  }

  function classify(Sdk: typeof OpenAI, err: unknown, started: number): Called {
    if (err instanceof Sdk.APIConnectionTimeoutError) return stopped("timeout", started);
    if (err instanceof Sdk.APIUserAbortError) return stopped("aborted", started);
    if (err instanceof Sdk.APIConnectionError) {
      const cause = (err.cause as { code?: string; message?: string } | undefined) ?? {};
      const message = `cannot connect to ${options.baseURL} (${cause.code ?? cause.message ?? err.message})`;
      return fromFault({ reason: "unreachable", message, retryable: true }, null, started);
    }
    if (err instanceof Sdk.APIError && typeof err.status === "number") {
      const body = (err.headers && bodies.get(err.headers)) ?? JSON.stringify({ error: err.error ?? { message: err.message } });
      const fault = classifyHttpAnswer({ status: err.status, contentType: err.headers?.get("content-type") ?? "", body });
      const retryAfterMs = err.status === 429 ? parseRetryAfter(err.headers, fault.message) : undefined;
      return fromFault(fault, err.status, started, retryAfterMs);
    }
    return fromFault({ reason: "server_error", message: err instanceof Error ? err.message : String(err), retryable: true }, null, started);
  }

  let reached: Promise<Reachability> | null = null;
  const probeTimeoutMs = Math.min(options.timeoutMs, PROBE_TIMEOUT_MS);

  return {
    reachable(reach) {
      const mine = (reached ??= probeServer(
        { baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: options.maxRetries, timeoutMs: probeTimeoutMs, backoff: (n) => backoff(n, random), sleep, now },
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
      const state: RetryState = { transient: 0, rateLimitWaits: 0, rateLimitWaitedMs: 0 };
      for (let retry = 1; ; retry++) {
        const called = await once(request, started);
        if (called.ok) return called.result;
        const outcome = called.failure;
        if (request.signal?.aborted) return outcome;
        const plan = planRetry({ status: outcome.status, retryable: called.retryable, retryAfterMs: outcome.retryAfterMs }, state, policy);
        if (!plan.retry) return plan.note ? { ...outcome, message: `${outcome.message} (${plan.note})` } : outcome;
        if (plan.kind === "rate_limit") {
          state.rateLimitWaits++;
          state.rateLimitWaitedMs += plan.waitMs;
        } else state.transient++;
        const reason = plan.note ? `${outcome.message} (${plan.note})` : outcome.message;
        request.onRetry?.({ retry, waitMs: plan.waitMs, status: outcome.status, reason });
        await sleep(plan.waitMs, request.signal).catch(() => {});
        if (request.signal?.aborted) return stoppedFailure("aborted", started);
      }
    },
  };
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
