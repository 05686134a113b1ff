// When a failed call is tried again, and after how long. Pure: the client's loop asks planRetry
// after each failure and sleeps for what it says.

export interface RetryState {
  /** Transient failures retried so far (connection errors, 5xx, 408). */
  transient: number;
  /** 429 waits so far, and the time they took. */
  rateLimitWaits: number;
  rateLimitWaitedMs: number;
}

export interface RetryPolicy {
  maxRetries: number;
  /** Most 429 waits for one call: the proxy's queue is back-pressure, not a failure. */
  maxRateLimitWaits: number;
  /** The call's own timeout: no single wait, nor all 429 waits together, is longer. */
  timeoutMs: number;
  random: () => number;
}

export type RetryPlan =
  | { retry: true; waitMs: number; kind: "transient" | "rate_limit"; note: string | null }
  | { retry: false; note: string | null };

export function planRetry(
  failure: { status: number | null; retryable: boolean; retryAfterMs?: number },
  state: RetryState,
  policy: RetryPolicy,
): RetryPlan {
  if (failure.status === 429) {
    if (state.rateLimitWaits >= policy.maxRateLimitWaits) return { retry: false, note: `still rate-limited after ${state.rateLimitWaits} waits` };
    const left = policy.timeoutMs - state.rateLimitWaitedMs;
    if (left <= 0) return { retry: false, note: `still rate-limited after waiting ${state.rateLimitWaitedMs} ms in all (MODEL_TIMEOUT_MS)` };
    const asked = failure.retryAfterMs ?? backoff(state.rateLimitWaits, policy.random);
    // A server that asks for a day (Retry-After: 86400) gets the call's own timeout at most.
    if (asked > left) {
      return { retry: true, waitMs: left, kind: "rate_limit", note: `the server asked to wait ${Math.round(asked)} ms; waiting ${left} ms, the call's timeout (MODEL_TIMEOUT_MS)` };
    }
    return { retry: true, waitMs: asked, kind: "rate_limit", note: null };
  }
  if (!failure.retryable || state.transient >= policy.maxRetries) return { retry: false, note: null };
  return { retry: true, waitMs: Math.min(backoff(state.transient, policy.random), policy.timeoutMs), kind: "transient", note: null };
}

/** Exponential, with full jitter in the upper half: spreads a burst of retries from many tasks. */
export function backoff(n: number, random: () => number): number {
  const base = Math.min(8_000, 500 * 2 ** n);
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * LiteLLM says how long to wait in the message ("Try again in 5 seconds") and sends no header, so
 * both are read; the header wins when both are there.
 */
export function parseRetryAfter(headers: Headers | undefined, message: string, now: () => number = Date.now): number | undefined {
  const ms = Number(headers?.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const header = headers?.get("retry-after");
  if (header) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now());
  }
  const match = /try again in (\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)?/i.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  return /^m/i.test(match[2] ?? "") ? value : value * 1000;
}
