// Ollama keeps a model loaded after use, and switching a GPU between the 7B and the 14B model
// means unloading one and loading the other: seconds to minutes. So a call for a tier whose
// model is cold waits while another tier's model is busy, and goes once that model is idle.
// The wait is bounded, so a task is never starved by a steady stream of warm calls.
import { TIERS, type Tier } from "../core/types.ts";
import type { SlotObserver, TierLimiter } from "./types.ts";

export interface WarmOptions {
  /** Longest a cold-tier call is held back; 0 turns the preference off. */
  maxDeferMs: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export function createWarmLimiter(inner: TierLimiter, options: WarmOptions): TierLimiter {
  const now = options.now ?? (() => performance.now());
  const setTimer =
    options.setTimer ??
    ((fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    });
  const busy: Record<Tier, number> = { fast: 0, deep: 0, reviewer: 0 };
  const waiting: Array<{ tier: Tier; go: () => void }> = [];

  const othersBusy = (tier: Tier) => TIERS.filter((t) => t !== tier && busy[t] > 0);
  const wake = () => {
    for (const w of [...waiting]) {
      if (busy[w.tier] > 0 || othersBusy(w.tier).length === 0) w.go();
    }
  };

  async function admit(tier: Tier, observer?: SlotObserver): Promise<void> {
    const blockers = othersBusy(tier);
    if (options.maxDeferMs <= 0 || busy[tier] > 0 || blockers.length === 0) return;
    const asked = now();
    observer?.onDeferred?.(blockers);
    await new Promise<void>((resolve) => {
      const entry = {
        tier,
        go: () => {
          const i = waiting.indexOf(entry);
          if (i < 0) return;
          waiting.splice(i, 1);
          timer.cancel();
          resolve();
        },
      };
      const timer = setTimer(entry.go, options.maxDeferMs);
      waiting.push(entry);
    });
    observer?.onResumed?.(Math.round(now() - asked));
  }

  return {
    async run(tier, fn, observer) {
      await admit(tier, observer);
      // Counted as busy from here, so later calls of the same tier are warm and go straight on.
      busy[tier]++;
      try {
        return await inner.run(tier, fn, observer);
      } finally {
        busy[tier]--;
        wake();
      }
    },
  };
}
