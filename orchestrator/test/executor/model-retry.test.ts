import { describe, expect, test } from "bun:test";
import { backoff, planRetry, type RetryState } from "../../src/executor/model-retry.ts";

const policy = { maxRetries: 2, maxRateLimitWaits: 20, timeoutMs: 300_000, random: () => 0 };
const fresh = (): RetryState => ({ transient: 0, rateLimitWaits: 0, rateLimitWaitedMs: 0 });

describe("planRetry", () => {
  test("a transient failure is retried with backoff until the budget is spent", () => {
    expect(planRetry({ status: 500, retryable: true }, fresh(), policy)).toEqual({ retry: true, waitMs: 250, kind: "transient", note: null });
    expect(planRetry({ status: 500, retryable: true }, { ...fresh(), transient: 2 }, policy)).toEqual({ retry: false, note: null });
    expect(planRetry({ status: 400, retryable: false }, fresh(), policy)).toEqual({ retry: false, note: null });
  });

  test("a 429 waits what the server asked for, outside the transient budget", () => {
    expect(planRetry({ status: 429, retryable: true, retryAfterMs: 5000 }, { ...fresh(), transient: 2 }, policy)).toEqual({ retry: true, waitMs: 5000, kind: "rate_limit", note: null });
  });

  test("Retry-After: 86400 gets the call's own timeout, and says so", () => {
    const plan = planRetry({ status: 429, retryable: true, retryAfterMs: 86_400_000 }, fresh(), policy);
    expect(plan).toMatchObject({ retry: true, waitMs: 300_000, kind: "rate_limit" });
    expect(plan.note).toBe("the server asked to wait 86400000 ms; waiting 300000 ms, the call's timeout (MODEL_TIMEOUT_MS)");
  });

  test("all 429 waits together stay within the call's timeout; then the call gives up, saying why", () => {
    const state = { ...fresh(), rateLimitWaits: 3, rateLimitWaitedMs: 290_000 };
    expect(planRetry({ status: 429, retryable: true, retryAfterMs: 60_000 }, state, policy)).toMatchObject({ retry: true, waitMs: 10_000 });
    const spent = { ...fresh(), rateLimitWaits: 4, rateLimitWaitedMs: 300_000 };
    expect(planRetry({ status: 429, retryable: true, retryAfterMs: 1000 }, spent, policy)).toEqual({ retry: false, note: "still rate-limited after waiting 300000 ms in all (MODEL_TIMEOUT_MS)" });
    expect(planRetry({ status: 429, retryable: true }, { ...fresh(), rateLimitWaits: 20 }, policy)).toEqual({ retry: false, note: "still rate-limited after 20 waits" });
  });

  test("backoff doubles from 500 ms to 8 s, jittered in its upper half", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoff(n, () => 0))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(backoff(0, () => 1)).toBe(500);
  });
});
