// Is the model server there at all? One cheap GET, so that a task whose server is down ends
// (exit 3) before it spends the baseline checks: on a small project they take seconds, and a
// model call that cannot connect takes milliseconds to find out.
import type { ModelFailure, RetryInfo } from "./model-client.ts";

export interface ReachOptions {
  signal?: AbortSignal;
  /** Told about each failed connection before the wait that follows it. */
  onRetry?: (info: RetryInfo) => void;
}

export type Reachability = { ok: true } | ModelFailure;

export interface ProbeSettings {
  baseURL: string;
  apiKey: string;
  /** Connection failures retried, as for a model call (MODEL_MAX_RETRIES). */
  maxRetries: number;
  /** Bound on one probe; a server that accepts the connection but answers slower is left to the call. */
  timeoutMs: number;
  backoff(n: number): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  fetch?: typeof fetch;
}

/**
 * Any HTTP answer, whatever its status, means the server is there: the key, the model name and
 * the proxy's own upstream are the real call's business, judged as before. Only a connection
 * that fails (refused, reset, no such host) after the retries is `unreachable`.
 */
export async function probeServer(settings: ProbeSettings, options: ReachOptions = {}): Promise<Reachability> {
  const doFetch = settings.fetch ?? fetch;
  const started = settings.now();
  const url = `${settings.baseURL.replace(/\/+$/, "")}/models`;
  for (let retry = 1; ; retry++) {
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let cause: string;
    try {
      const res = await doFetch(url, { headers: { authorization: `Bearer ${settings.apiKey}` }, signal });
      await res.body?.cancel().catch(() => {});
      return { ok: true };
    } catch (err) {
      if (options.signal?.aborted) return failure("aborted", "the call was interrupted", started, settings);
      // A slow answer is not a missing server: the call, with its own timeout, decides.
      if (timeout.aborted) return { ok: true };
      cause = describe(err);
    }
    if (retry > settings.maxRetries) return failure("unreachable", `cannot connect to ${settings.baseURL} (${cause})`, started, settings);
    const waitMs = settings.backoff(retry - 1);
    options.onRetry?.({ retry, waitMs, status: null, reason: `cannot connect to ${settings.baseURL} (${cause})` });
    await settings.sleep(waitMs, options.signal).catch(() => {});
    if (options.signal?.aborted) return failure("aborted", "the call was interrupted", started, settings);
  }
}

function failure(reason: "unreachable" | "aborted", message: string, started: number, settings: ProbeSettings): ModelFailure {
  return { ok: false, reason, message, status: null, durationMs: Math.round(settings.now() - started) };
}

/** Bun's fetch says `ConnectionRefused`, `ECONNRESET`, `ENOTFOUND`...: the code, else the message. */
function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === "string" && e.code !== "") return e.code;
  return typeof e?.message === "string" ? e.message : String(err);
}
