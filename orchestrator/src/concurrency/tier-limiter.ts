// The per-tier concurrency limits inside one process.
import pLimit, { type LimitFunction } from "p-limit";
import type { Tier } from "../core/types.ts";
import type { TierLimiter } from "./types.ts";

/** One p-limit per tier: a slow deep call never holds back the fast tier's slots. */
export function createTierLimiter(concurrency: Record<Tier, number>): TierLimiter {
  const limits: Record<Tier, LimitFunction> = {
    fast: pLimit(concurrency.fast),
    deep: pLimit(concurrency.deep),
    reviewer: pLimit(concurrency.reviewer),
  };
  return {
    run(tier, fn, observer) {
      const limit = limits[tier];
      if (limit.activeCount < limit.concurrency) return limit(fn);
      const asked = performance.now();
      observer?.onQueued?.({ position: limit.pendingCount + 1, holders: limit.activeCount, limit: limit.concurrency });
      return limit(() => {
        observer?.onAcquired?.(Math.round(performance.now() - asked));
        return fn();
      });
    },
  };
}
