// The shapes the limiters, gates and the lease store share: the in-process tier limiter, the
// lease-backed one across processes, the warm-tier preference in front of either, and the
// store's own interface, which the lease-backed limiter and gate take.
import type { Tier } from "../core/types.ts";

export interface QueueInfo {
  /** 1-based place in the queue for this key (1 = next in line); across processes for leases. */
  position: number;
  /** Live holders of the key when the position was computed. */
  holders: number;
  limit: number;
}

/** Told when a call has to wait for a slot, and how long it waited once it got one. */
export interface SlotObserver {
  onQueued?(info: QueueInfo): void;
  onAcquired?(waitedMs: number): void;
  /** Held back so a busy model of another tier is not swapped out (see warm.ts). */
  onDeferred?(busy: Tier[]): void;
  onResumed?(waitedMs: number): void;
}

export interface TierLimiter {
  run<T>(tier: Tier, fn: () => Promise<T>, observer?: SlotObserver): Promise<T>;
}

/**
 * Keeps tasks that share a workspace from judging each other's unverified edits: applying,
 * verifying and keeping or undoing a change happen one task at a time, and tasks whose owned
 * files overlap do not run at the same time at all.
 */
export interface WorkspaceGate {
  /** `onWait` is told (once) when another task holds the workspace and this one has to wait. */
  exclusive<T>(fn: () => Promise<T>, onWait?: () => void): Promise<T>;
  claimFiles(files: readonly string[], onWait?: () => void): Promise<() => void>;
}

export interface Lease {
  id: string;
  key: string;
  /** Time between the acquire() call and the grant, by the store's clock. */
  waitedMs: number;
  /** Frees the slot. Idempotent. */
  release(): void;
}

export interface AcquireOptions {
  /** Aborting while queued removes the waiter and rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Called once when the caller first has to wait, and again whenever its position changes.
   * Runs synchronously (the first call inside acquire() itself). If it throws, the waiter is
   * removed and acquire() rejects with that error.
   */
  onQueued?: (info: QueueInfo) => void;
}

export interface LeaseStore {
  /** `key` is e.g. "fast" (a tier) or "workspace:/abs/path" (a mutex with limit 1). */
  acquire(key: string, limit: number, opts?: AcquireOptions): Promise<Lease>;
  /** Live holders of `key` in this scope, across all processes. */
  holders(key: string): number;
  /** Releases the leases this store holds, rejects its pending acquires, closes the db. Idempotent. */
  close(): void;
}
