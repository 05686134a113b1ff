// Picks the starting tier and holds the per-tier concurrency limits.
import type { Logger } from "pino";
import pLimit, { type LimitFunction } from "p-limit";
import { emit } from "../core/telemetry.ts";
import type { Limits, Task, Tier } from "../core/types.ts";

export interface Route {
  tier: Tier;
  reason: string;
}

/** Rules are tried in order; the last one always matches. */
export function chooseTier(task: Task, limits: Pick<Limits, "deepStartFiles" | "deepStartChars">): Route {
  const files = task.filesOwned.length;
  if (files > limits.deepStartFiles) {
    return { tier: "deep", reason: `${files} files owned (more than ${limits.deepStartFiles})` };
  }
  const chars = task.description.length;
  if (chars > limits.deepStartChars) {
    return { tier: "deep", reason: `description is ${chars} characters (more than ${limits.deepStartChars})` };
  }
  return { tier: "fast", reason: "default" };
}

/** Chooses the tier and logs the decision exactly as it is returned. */
export function routeTask(task: Task, limits: Limits, logger: Logger): Route {
  const route = chooseTier(task, limits);
  emit(logger, { event: "tier_selected", ...route });
  return route;
}

/** Told when a call has to wait for a slot, and how long it waited once it got one. */
export interface SlotObserver {
  onQueued?(info: { position: number; holders: number; limit: number }): void;
  onAcquired?(waitedMs: number): void;
  /** Held back so a busy model of another tier is not swapped out (see warm.ts). */
  onDeferred?(busy: Tier[]): void;
  onResumed?(waitedMs: number): void;
}

export interface TierLimiter {
  run<T>(tier: Tier, fn: () => Promise<T>, observer?: SlotObserver): Promise<T>;
  activeCount(tier: Tier): number;
  pendingCount(tier: Tier): number;
}

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
    activeCount: (tier) => limits[tier].activeCount,
    pendingCount: (tier) => limits[tier].pendingCount,
  };
}
