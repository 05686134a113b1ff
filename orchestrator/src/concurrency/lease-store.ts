// Concurrency slots ("leases") shared by every orchestrator process on the machine.
//
// Each tier (`fast`, `deep`, `reviewer`) has a limit that must hold across processes started in
// separate terminals, so the slots live in one SQLite file (WAL mode) rather than in memory:
//
//   leases  (id, scope, key, pid, acquired_at, expires_at)       one row per held slot
//   waiters (seq, id, scope, key, pid, enqueued_at, heartbeat, expires_at)   the FIFO queue
//
// A slot is taken inside `BEGIN IMMEDIATE` (the write lock is taken up front, so two processes
// can never both count "3 of 4" and both insert). In that transaction the dead and expired rows
// for the scope+key are deleted first, then the live holders are counted, then the caller's
// place in the queue decides: only the first `limit - holders` waiters (ordered by `seq`, which
// only grows) may take a slot, so a newcomer cannot barge past processes already waiting.
//
// A holder renews `expires_at = now + ttl` every ttl/3 (an unref'd timer). A row is reclaimed
// by anyone when it has expired, or at once when its pid is no longer alive (SIGKILL, crash).
// Waiters poll every `pollMs`, more slowly the further back they are (pollInterval); a release
// in the same process wakes its local waiters at once.
import { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

export interface LeaseStoreOptions {
  /** Folder for the sqlite db, created if missing. See {@link defaultStateDir}. */
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
}

export interface Lease {
  id: string;
  key: string;
  /** Time between the acquire() call and the grant, by the store's clock. */
  waitedMs: number;
  /** Frees the slot. Idempotent. */
  release(): void;
}

export interface QueueInfo {
  /** 1-based place in the cross-process queue for this key (1 = next in line). */
  position: number;
  /** Live holders of the key when the position was computed. */
  holders: number;
  limit: number;
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

/**
 * Preference hook for later "warm tier" scheduling: given candidate keys (e.g. tiers able to run
 * a task), return them best first. Nothing in the store calls it yet.
 */
export type LeasePreference = (candidates: readonly string[], view: Pick<LeaseStore, "holders">) => readonly string[];

/** The neutral preference: keep the caller's order. */
export const noPreference: LeasePreference = (candidates) => candidates;

/** Name of the database file inside `stateDir`. */
export const LEASE_DB_FILE = "leases.sqlite";

export const DEFAULT_LEASE_TTL_MS = 60_000;
export const DEFAULT_POLL_MS = 50;
/** While queued, the full (write) step runs on every this-many polls; a read decides the rest. */
const FULL_CHECK_EVERY = 10;
/** A waiter far back in the queue polls at most this many times more slowly than `pollMs`. */
export const MAX_POLL_STRETCH = 8;
/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export function leaseDbPath(stateDir: string): string {
  return path.join(stateDir, LEASE_DB_FILE);
}

/**
 * Where the lease db lives unless told otherwise: $SMOL_STATE_DIR, else $XDG_CACHE_HOME/smol-coder
 * (only if absolute, as the XDG spec requires), else ~/.cache/smol-coder.
 */
export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.SMOL_STATE_DIR?.trim();
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "smol-coder");
  const home = env.HOME?.trim() || homedir();
  return path.join(home, ".cache", "smol-coder");
}

/** `process.kill(pid, 0)`: no error or EPERM (exists, not ours) => alive; ESRCH => dead. */
export function pidIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * How long a queued waiter sleeps before it looks again. Each release lets one waiter through, so
 * a waiter with k full rounds of waiters ahead of it cannot be granted before k more releases:
 * it polls k times more slowly (up to MAX_POLL_STRETCH). Dozens of CLIs queued at once then cost
 * little CPU, while the next in line still see a freed slot within one `pollMs`.
 */
export function pollInterval(pollMs: number, position: number, limit: number): number {
  const rounds = Math.ceil(position / limit);
  return pollMs * Math.min(MAX_POLL_STRETCH, Math.max(1, rounds));
}

export function openLeaseStore(options: LeaseStoreOptions): LeaseStore {
  return new SqliteLeaseStore(options);
}

// ---------------------------------------------------------------------------------------

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (
  id          TEXT PRIMARY KEY,
  scope       TEXT NOT NULL,
  key         TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_by_key ON leases (scope, key);
CREATE TABLE IF NOT EXISTS waiters (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  scope       TEXT NOT NULL,
  key         TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  heartbeat   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS waiters_by_key ON waiters (scope, key, seq);
`;

type TakeResult =
  | { kind: "granted"; leaseId: string }
  | { kind: "queued"; waiterId: string; position: number; holders: number };

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

/** Stores with something to clean up if the process exits without releasing. */
const liveStores = new Set<SqliteLeaseStore>();
let exitHookInstalled = false;
function registerForExit(store: SqliteLeaseStore): void {
  liveStores.add(store);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const s of liveStores) s.close();
  });
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database;
  private readonly scope: string;
  private readonly ttl: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly pid: number;
  private readonly isAlive: (pid: number) => boolean;

  private readonly held = new Map<string, HeldLease>();
  private readonly waiting = new Map<string, PendingWaiter>(); // waiter id -> waiter
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  /** The slot-taking step; run with `.immediate()` (BEGIN IMMEDIATE). */
  private readonly takeTx: { immediate: (key: string, limit: number, waiterId: string | null) => TakeResult };

  constructor(options: LeaseStoreOptions) {
    this.scope = options.scope;
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.now = options.now ?? Date.now;
    this.pid = options.pid ?? process.pid;
    this.isAlive = options.isAlive ?? pidIsAlive;
    if (!(this.ttl > 0)) throw new RangeError(`leaseTtlMs must be > 0, got ${this.ttl}`);
    if (!(this.pollMs > 0)) throw new RangeError(`pollMs must be > 0, got ${this.pollMs}`);

    mkdirSync(options.stateDir, { recursive: true });
    this.db = new Database(leaseDbPath(options.stateDir), { create: true, readwrite: true });
    try {
      // busy_timeout first: everything after it (even switching to WAL) waits for other
      // processes' locks instead of failing with SQLITE_BUSY.
      this.db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      retryBusy(() => this.db.run("PRAGMA journal_mode = WAL"));
      this.db.run("PRAGMA synchronous = NORMAL");
      retryBusy(() => this.db.transaction(() => this.db.run(SCHEMA)).immediate());
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.takeTx = this.db.transaction((key: string, limit: number, waiterId: string | null) =>
      this.take(key, limit, waiterId),
    );
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
        if (id && !this.closed) this.deleteWaiter(id);
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
          const seen = this.peek(key, waiterId);
          if (seen && seen.ahead >= limit - seen.holders) {
            position = seen.ahead + 1;
            return schedule();
          }
        }
        let result: TakeResult;
        try {
          result = this.takeTx.immediate(key, limit, waiterId);
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
    const rows = this.db
      .query<{ pid: number }, [string, string, number]>(
        "SELECT pid FROM leases WHERE scope = ? AND key = ? AND expires_at > ?",
      )
      .all(this.scope, key, this.now());
    const alive = new Map<number, boolean>();
    let count = 0;
    for (const { pid } of rows) {
      let ok = alive.get(pid);
      if (ok === undefined) alive.set(pid, (ok = this.pidAlive(pid)));
      if (ok) count++;
    }
    return count;
  }

  close(): void {
    if (this.closed) return;
    const error = new Error("lease store is closed");
    for (const waiter of [...this.waiting.values()]) waiter.fail(error);
    for (const [id, lease] of [...this.held]) {
      lease.markReleased();
      this.deleteLease(id);
    }
    this.closed = true;
    this.held.clear();
    this.waiting.clear();
    this.updateHeartbeat();
    liveStores.delete(this);
    this.db.close();
  }

  // -------------------------------------------------------------------------------------

  /** A read without the write lock: live holders, and live waiters ahead of this one. */
  private peek(key: string, waiterId: string): { holders: number; ahead: number } | null {
    try {
      const row = this.db
        .query<{ holders: number; ahead: number }, [string, string, number, string, string, number, string]>(
          `SELECT
             (SELECT COUNT(*) FROM leases WHERE scope = ? AND key = ? AND expires_at > ?) AS holders,
             (SELECT COUNT(*) FROM waiters WHERE scope = ? AND key = ? AND expires_at > ?
                AND seq < COALESCE((SELECT seq FROM waiters WHERE id = ?), -1)) AS ahead`,
        )
        .get(this.scope, key, this.now(), this.scope, key, this.now(), waiterId);
      return row ?? null;
    } catch {
      return null; // when in doubt, let the full step decide
    }
  }

  /** Runs inside BEGIN IMMEDIATE. */
  private take(key: string, limit: number, waiterId: string | null): TakeResult {
    const now = this.now();
    this.reclaim(key, now);
    const holders = this.db
      .query<{ n: number }, [string, string]>("SELECT COUNT(*) AS n FROM leases WHERE scope = ? AND key = ?")
      .get(this.scope, key)!.n;
    const free = limit - holders;

    let ahead: number;
    let mySeq: number | null = null;
    if (waiterId) {
      mySeq =
        this.db
          .query<{ seq: number }, [string]>("SELECT seq FROM waiters WHERE id = ?")
          .get(waiterId)?.seq ?? null;
    }
    if (mySeq === null) {
      ahead = this.db
        .query<{ n: number }, [string, string]>("SELECT COUNT(*) AS n FROM waiters WHERE scope = ? AND key = ?")
        .get(this.scope, key)!.n;
    } else {
      ahead = this.db
        .query<{ n: number }, [string, string, number]>(
          "SELECT COUNT(*) AS n FROM waiters WHERE scope = ? AND key = ? AND seq < ?",
        )
        .get(this.scope, key, mySeq)!.n;
    }

    if (ahead < free) {
      if (mySeq !== null) this.db.run("DELETE FROM waiters WHERE id = ?", [waiterId!]);
      const leaseId = randomUUID();
      this.db.run(
        "INSERT INTO leases (id, scope, key, pid, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        [leaseId, this.scope, key, this.pid, now, now + this.ttl],
      );
      return { kind: "granted", leaseId };
    }

    let id = waiterId;
    if (mySeq === null) {
      id = randomUUID();
      this.db.run(
        "INSERT INTO waiters (id, scope, key, pid, enqueued_at, heartbeat, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [id, this.scope, key, this.pid, now, now, now + this.ttl],
      );
    } else {
      this.db.run("UPDATE waiters SET heartbeat = ?, expires_at = ? WHERE id = ?", [now, now + this.ttl, id!]);
    }
    return { kind: "queued", waiterId: id!, position: ahead + 1, holders };
  }

  /** Deletes expired rows and rows whose pid is dead, for this scope+key. */
  private reclaim(key: string, now: number): void {
    this.db.run("DELETE FROM leases WHERE scope = ? AND key = ? AND expires_at <= ?", [this.scope, key, now]);
    this.db.run("DELETE FROM waiters WHERE scope = ? AND key = ? AND expires_at <= ?", [this.scope, key, now]);
    const pids = this.db
      .query<{ pid: number }, [string, string, string, string]>(
        "SELECT pid FROM leases WHERE scope = ? AND key = ? UNION SELECT pid FROM waiters WHERE scope = ? AND key = ?",
      )
      .all(this.scope, key, this.scope, key);
    for (const { pid } of pids) {
      if (this.pidAlive(pid)) continue;
      this.db.run("DELETE FROM leases WHERE scope = ? AND key = ? AND pid = ?", [this.scope, key, pid]);
      this.db.run("DELETE FROM waiters WHERE scope = ? AND key = ? AND pid = ?", [this.scope, key, pid]);
    }
  }

  private pidAlive(pid: number): boolean {
    return pid === this.pid || this.isAlive(pid);
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
        this.deleteLease(id);
        this.wakeLocal(key);
      },
    };
  }

  private deleteLease(id: string): void {
    try {
      this.db.run("DELETE FROM leases WHERE id = ?", [id]);
    } catch {
      // Could not delete (db busy for > busy_timeout): the row expires or is reclaimed by pid.
    }
  }

  private deleteWaiter(id: string): void {
    try {
      this.db.run("DELETE FROM waiters WHERE id = ?", [id]);
    } catch {
      // Same as above: an orphaned waiter row expires after the ttl.
    }
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
    if (busy) registerForExit(this);
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
    const now = this.now();
    const expires = now + this.ttl;
    try {
      for (const id of this.held.keys()) {
        this.db.run("UPDATE leases SET expires_at = ? WHERE id = ?", [expires, id]);
      }
      for (const id of this.waiting.keys()) {
        this.db.run("UPDATE waiters SET heartbeat = ?, expires_at = ? WHERE id = ?", [now, expires, id]);
      }
    } catch {
      // Busy for > busy_timeout (or the disk is gone): the next tick, ttl/3 later, tries again
      // well before expiry. A timer must not throw: that would take the whole CLI down.
    }
  }
}

function retryBusy<T>(fn: () => T): T {
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error) || i >= 20) throw error;
      Bun.sleepSync(10 + Math.random() * 40);
    }
  }
}
