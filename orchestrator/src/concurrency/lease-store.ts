// Concurrency slots ("leases") shared by every orchestrator process on the machine.
//
// Each tier (`fast`, `deep`, `reviewer`) has a limit that must hold across processes started in
// separate terminals, so the slots live in one SQLite file (lease-file.ts, lease-db.ts) rather than in memory.
//
// A holder renews `expires_at = now + ttl` every ttl/3 (an unref'd timer). A row is reclaimed
// by anyone when it has expired, or at once when its pid is no longer alive (SIGKILL, crash).
// Waiters poll every `pollMs`, more slowly the further back they are (pollInterval); a release
// in the same process wakes its local waiters at once.
import { LeaseDb, type TakeResult } from "./lease-db.ts";
import { isBusy, type LeaseFileRecovery } from "./lease-file.ts";
import { pidIsAlive } from "./pid.ts";
import { pollInterval } from "./poll-interval.ts";
import type { AcquireOptions, Lease, LeaseStore } from "./types.ts";

/** Runs `fn` when the process exits; the function it returns cancels that. */
export type ExitHook = (fn: () => void) => () => void;

export interface LeaseStoreOptions {
  /** Folder for the sqlite db, created if missing. See defaultStateDir (state-dir.ts). */
  stateDir: string;
  /** e.g. the LiteLLM URL: limits are shared only among processes with the same scope. */
  scope: string;
  /** Default 60_000. A live holder renews its lease every ttl/3. */
  leaseTtlMs?: number;
  /** How often a waiter re-checks the queue. Default 50. */
  pollMs?: number;
  /** Clock (epoch ms). Every process sharing a db must use the same clock. */
  now?: () => number;
  /** Default process.pid. */
  pid?: number;
  /** Default: `process.kill(pid, 0)` semantics, only ESRCH means dead. */
  isAlive?: (pid: number) => boolean;
  /** Default: the process's "exit" event. Closes a store that still holds or waits at exit. */
  onExit?: ExitHook;
  /** Told when a corrupt db was moved aside and replaced. Opening throws StateFolderError when the folder cannot be written. */
  onRecovered?: (recovery: LeaseFileRecovery) => void;
}

export const DEFAULT_POLL_MS = 50;
const DEFAULT_LEASE_TTL_MS = 60_000;
/** While queued, the full (write) step runs on every this-many polls; a read decides the rest. */
const FULL_CHECK_EVERY = 10;

const onProcessExit: ExitHook = (fn) => {
  process.on("exit", fn);
  return () => void process.off("exit", fn);
};

export function openLeaseStore(options: LeaseStoreOptions): LeaseStore {
  return new SqliteLeaseStore(options);
}

interface PendingWaiter {
  key: string;
  /** Re-check now instead of at the next poll. */
  poke(): void;
  /** Reject (store closing). */
  fail(error: Error): void;
}

interface HeldLease {
  key: string;
  markReleased(): void;
}

class SqliteLeaseStore implements LeaseStore {
  private readonly db: LeaseDb;
  private readonly ttl: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly onExit: ExitHook;

  private readonly held = new Map<string, HeldLease>();
  private readonly waiting = new Map<string, PendingWaiter>(); // waiter id -> waiter
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  /** Set while the store has something to clean up if the process exits without close(). */
  private cancelExitHook: (() => void) | null = null;
  private closed = false;

  constructor(options: LeaseStoreOptions) {
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.now = options.now ?? Date.now;
    this.onExit = options.onExit ?? onProcessExit;
    if (!(this.ttl > 0)) throw new RangeError(`leaseTtlMs must be > 0, got ${this.ttl}`);
    if (!(this.pollMs > 0)) throw new RangeError(`pollMs must be > 0, got ${this.pollMs}`);
    this.db = new LeaseDb({
      stateDir: options.stateDir,
      scope: options.scope,
      ttl: this.ttl,
      now: this.now,
      pid: options.pid ?? process.pid,
      isAlive: options.isAlive ?? pidIsAlive,
      onRecovered: options.onRecovered,
    });
  }

  acquire(key: string, limit: number, opts: AcquireOptions = {}): Promise<Lease> {
    if (this.closed) return Promise.reject(new Error("lease store is closed"));
    if (!Number.isInteger(limit) || limit < 1) {
      return Promise.reject(new RangeError(`limit must be a positive integer, got ${limit}`));
    }
    const { signal, onQueued } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise<Lease>((resolve, reject) => {
      const started = this.now();
      let waiterId: string | null = null;
      let lastPosition = -1; // as last reported to onQueued
      let position = -1; // as last seen, by the full step or a read-only look
      let timer: ReturnType<typeof setTimeout> | null = null;
      let settled = false;

      const stopWaiting = () => {
        settled = true;
        if (timer) clearTimeout(timer);
        timer = null;
        signal?.removeEventListener("abort", onAbort);
        if (waiterId) this.waiting.delete(waiterId);
        this.updateHeartbeat();
      };
      const fail = (error: unknown) => {
        if (settled) return;
        const id = waiterId;
        stopWaiting();
        if (id && !this.closed) this.db.deleteWaiter(id);
        reject(error);
      };
      const onAbort = () => fail(signal?.reason);

      let polls = 0;
      const attempt = () => {
        timer = null;
        if (settled) return;
        // While queued, a read-only look decides whether the write transaction is worth taking:
        // a waiter far back in the queue would otherwise take the write lock at every poll.
        // Every FULL_CHECK_EVERY polls the full step runs anyway, to reclaim dead holders' slots
        // and report a new place in the queue. The look also sets how soon to look again.
        if (waiterId && ++polls % FULL_CHECK_EVERY !== 0) {
          const seen = this.db.peek(key, waiterId);
          if (seen && seen.ahead >= limit - seen.holders) {
            position = seen.ahead + 1;
            return schedule();
          }
        }
        let result: TakeResult;
        try {
          result = this.db.take(key, limit, waiterId);
        } catch (error) {
          if (isBusy(error)) return schedule(); // contention beyond busy_timeout: just try again
          return fail(error);
        }
        if (result.kind === "granted") {
          stopWaiting();
          resolve(this.makeLease(result.leaseId, key, this.now() - started));
          return;
        }
        if (waiterId !== result.waiterId) {
          // First time queued (or our row was reclaimed after a long stall and re-inserted).
          if (waiterId) this.waiting.delete(waiterId);
          waiterId = result.waiterId;
          this.waiting.set(waiterId, { key, poke, fail });
          this.updateHeartbeat();
        }
        position = result.position;
        if (result.position !== lastPosition) {
          lastPosition = result.position;
          try {
            onQueued?.({ position: result.position, holders: result.holders, limit });
          } catch (error) {
            return fail(error);
          }
          if (settled) return; // the callback aborted us
        }
        schedule();
      };
      const schedule = () => {
        if (settled) return;
        timer = setTimeout(attempt, pollInterval(this.pollMs, position, limit));
      };
      const poke = () => {
        if (settled) return;
        if (timer) clearTimeout(timer);
        attempt();
      };

      signal?.addEventListener("abort", onAbort, { once: true });
      attempt();
    });
  }

  holders(key: string): number {
    if (this.closed) throw new Error("lease store is closed");
    return this.db.holders(key);
  }

  close(): void {
    if (this.closed) return;
    const error = new Error("lease store is closed");
    for (const waiter of [...this.waiting.values()]) waiter.fail(error);
    for (const [id, lease] of [...this.held]) {
      lease.markReleased();
      this.db.deleteLease(id);
    }
    this.closed = true;
    this.held.clear();
    this.waiting.clear();
    this.updateHeartbeat();
    this.cancelExitHook?.();
    this.cancelExitHook = null;
    this.db.close();
  }

  private makeLease(id: string, key: string, waitedMs: number): Lease {
    let released = false;
    this.held.set(id, { key, markReleased: () => (released = true) });
    this.updateHeartbeat();
    return {
      id,
      key,
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.held.delete(id);
        this.updateHeartbeat();
        if (this.closed) return;
        this.db.deleteLease(id);
        this.wakeLocal(key);
      },
    };
  }

  /** Lets this process's own waiters for `key` see a freed slot without waiting for a poll. */
  private wakeLocal(key: string): void {
    setImmediate(() => {
      // Map iteration order is insertion order, i.e. the order the waiters were queued.
      for (const waiter of [...this.waiting.values()]) if (waiter.key === key) waiter.poke();
    });
  }

  /** Runs the renewal timer only while this store holds or waits for something. */
  private updateHeartbeat(): void {
    const busy = !this.closed && (this.held.size > 0 || this.waiting.size > 0);
    // Once busy, the store stays hooked until close(): a process that exits without closing
    // still frees its slots at once instead of leaving them to the pid check or the ttl.
    if (busy && !this.cancelExitHook) this.cancelExitHook = this.onExit(() => this.close());
    if (busy && !this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(() => this.renew(), Math.max(1, Math.floor(this.ttl / 3)));
      this.heartbeatTimer.unref();
    } else if (!busy && this.heartbeatTimer) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
  }

  private renew(): void {
    if (this.closed) return;
    this.db.renew(this.held.keys(), this.waiting.keys());
  }
}
