// Tier slots that hold across processes: each slot is a lease in the sqlite store
// (lease-store.ts); a p-limit in front keeps waiting tasks of this process out of the database.
import type { Tier } from "../core/types.ts";
import { createTierLimiter } from "./tier-limiter.ts";
import type { LeaseStore, QueueInfo, TierLimiter } from "./types.ts";

/** Tier slots shared by every process that uses the same store scope (the LiteLLM URL). */
export function createLeaseLimiter(store: LeaseStore, concurrency: Record<Tier, number>): TierLimiter {
  const local = createTierLimiter(concurrency);
  return {
    run(tier, fn, observer) {
      const asked = performance.now();
      let queued = false;
      // The same report whether the wait is in this process's queue or in the store's.
      const onQueued = (info: QueueInfo) => {
        queued = true;
        observer?.onQueued?.(info);
      };
      return local.run(
        tier,
        async () => {
          const lease = await store.acquire(`tier:${tier}`, concurrency[tier], { onQueued });
          if (queued) observer?.onAcquired?.(Math.round(performance.now() - asked));
          try {
            return await fn();
          } finally {
            lease.release();
          }
        },
        { onQueued },
      );
    },
  };
}
