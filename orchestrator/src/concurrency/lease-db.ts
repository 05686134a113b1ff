// The statements on the lease tables (lease-file.ts) for one store's scope.
//
// A slot is taken inside `BEGIN IMMEDIATE` (the write lock is taken up front, so two processes
// can never both count "3 of 4" and both insert). In that transaction the dead and expired rows
// for the scope+key are deleted first, then the live holders are counted, then the caller's
// place in the queue decides: only the first `limit - holders` waiters (ordered by `seq`, which
// only grows) may take a slot, so a newcomer cannot barge past processes already waiting.
import type { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { openLeaseFile, type LeaseFileRecovery } from "./lease-file.ts";

export interface LeaseDbOptions {
  stateDir: string;
  scope: string;
  /** Rows written now expire this long after `now()`. */
  ttl: number;
  now: () => number;
  /** This process: its own rows are never reclaimed as dead. */
  pid: number;
  isAlive: (pid: number) => boolean;
  /** Told when a corrupt file was moved aside and replaced (lease-file.ts). */
  onRecovered?: (recovery: LeaseFileRecovery) => void;
}

export type TakeResult =
  | { kind: "granted"; leaseId: string }
  | { kind: "queued"; waiterId: string; position: number; holders: number };

/** The statements of one store's scope; opens (and if need be creates) the file in `stateDir`. */
export class LeaseDb {
  private readonly db: Database;
  private readonly scope: string;
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly pid: number;
  private readonly isAlive: (pid: number) => boolean;
  /** The slot-taking step; run with `.immediate()` (BEGIN IMMEDIATE). */
  private readonly takeTx: { immediate: (key: string, limit: number, waiterId: string | null) => TakeResult };

  constructor(options: LeaseDbOptions) {
    this.scope = options.scope;
    this.ttl = options.ttl;
    this.now = options.now;
    this.pid = options.pid;
    this.isAlive = options.isAlive;
    this.db = openLeaseFile(options.stateDir, { onRecovered: options.onRecovered });
    this.takeTx = this.db.transaction((key: string, limit: number, waiterId: string | null) =>
      this.takeSlot(key, limit, waiterId),
    );
  }

  /** Grants a slot or (re)queues `waiterId`, inside BEGIN IMMEDIATE. Throws when busy (isBusy). */
  take(key: string, limit: number, waiterId: string | null): TakeResult {
    return this.takeTx.immediate(key, limit, waiterId);
  }

  /** A read without the write lock: live holders, and live waiters ahead of this one. */
  peek(key: string, waiterId: string): { holders: number; ahead: number } | null {
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

  /** Live holders of `key`: unexpired rows whose pid is alive. */
  holders(key: string): number {
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

  deleteLease(id: string): void {
    try {
      this.db.run("DELETE FROM leases WHERE id = ?", [id]);
    } catch {
      // Could not delete (db busy for > busy_timeout): the row expires or is reclaimed by pid.
    }
  }

  deleteWaiter(id: string): void {
    try {
      this.db.run("DELETE FROM waiters WHERE id = ?", [id]);
    } catch {
      // Same as above: an orphaned waiter row expires after the ttl.
    }
  }

  /** Pushes the expiry of these leases and waiters to a ttl from now. */
  renew(leaseIds: Iterable<string>, waiterIds: Iterable<string>): void {
    const now = this.now();
    const expires = now + this.ttl;
    try {
      for (const id of leaseIds) {
        this.db.run("UPDATE leases SET expires_at = ? WHERE id = ?", [expires, id]);
      }
      for (const id of waiterIds) {
        this.db.run("UPDATE waiters SET heartbeat = ?, expires_at = ? WHERE id = ?", [now, expires, id]);
      }
    } catch {
      // Busy for > busy_timeout (or the disk is gone): the next tick, ttl/3 later, tries again
      // well before expiry. A timer must not throw: that would take the whole CLI down.
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs inside BEGIN IMMEDIATE. */
  private takeSlot(key: string, limit: number, waiterId: string | null): TakeResult {
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
}
