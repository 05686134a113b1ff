// Limits that hold across processes. Tier slots and workspace locks are leases in the sqlite
// store (leases.ts); a p-limit in front keeps waiting tasks of this process out of the database.
import type { Lease, LeaseStore, QueueInfo } from "./lease-store.ts";
import { createTierLimiter, type SlotObserver, type TierLimiter } from "../task/routing.ts";
import type { Tier } from "../core/types.ts";

/** Tier slots shared by every process that uses the same store scope (the LiteLLM URL). */
export function createLeaseLimiter(store: LeaseStore, concurrency: Record<Tier, number>): TierLimiter {
  const local = createTierLimiter(concurrency);
  return {
    activeCount: local.activeCount,
    pendingCount: local.pendingCount,
    run(tier, fn, observer) {
      const asked = performance.now();
      let queued = false;
      const onQueued = (info: QueueInfo) => {
        queued = true;
        observer?.onQueued?.(info);
      };
      if (local.activeCount(tier) >= concurrency[tier]) {
        onQueued({ position: local.pendingCount(tier) + 1, holders: local.activeCount(tier), limit: concurrency[tier] });
      }
      return local.run(tier, async () => {
        const lease = await store.acquire(`tier:${tier}`, concurrency[tier], { onQueued });
        if (queued) observer?.onAcquired?.(Math.round(performance.now() - asked));
        try {
          return await fn();
        } finally {
          lease.release();
        }
      });
    },
  };
}

/**
 * Keeps tasks that share a workspace from judging each other's unverified edits: applying,
 * verifying and keeping or undoing a change happen one task at a time, and tasks whose owned
 * files overlap do not run at the same time at all.
 */
export interface WorkspaceGate {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  claimFiles(files: readonly string[]): Promise<() => void>;
}

/** A gate for one process: enough for library use and for a batch without other processes. */
export function createLocalGate(): WorkspaceGate {
  const chains = new Map<string, Promise<void>>();
  const lock = async (key: string): Promise<() => void> => {
    const before = chains.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    chains.set(key, before.then(() => mine));
    await before;
    return release;
  };
  return {
    async exclusive(fn) {
      const release = await lock("workspace");
      try {
        return await fn();
      } finally {
        release();
      }
    },
    async claimFiles(files) {
      const releases: Array<() => void> = [];
      // Sorted, so two tasks claiming overlapping sets can never wait on each other in a cycle.
      for (const f of [...files].sort()) releases.push(await lock(`file:${f}`));
      return () => releases.forEach((r) => r());
    },
  };
}

/** The same gate across processes, as leases keyed by the workspace's real path. */
export function createLeaseGate(store: LeaseStore, root: string): WorkspaceGate {
  return {
    async exclusive(fn) {
      const lease = await store.acquire(`workspace:${root}`, 1);
      try {
        return await fn();
      } finally {
        lease.release();
      }
    },
    async claimFiles(files) {
      const leases: Lease[] = [];
      for (const f of [...files].sort()) leases.push(await store.acquire(`file:${root}/${f}`, 1));
      return () => leases.forEach((l) => l.release());
    },
  };
}
