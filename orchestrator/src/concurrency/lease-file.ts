// The SQLite file behind the leases, shared by every process using the same stateDir (WAL mode):
//
//   leases  (id, scope, key, pid, acquired_at, expires_at)       one row per held slot
//   waiters (seq, id, scope, key, pid, enqueued_at, heartbeat, expires_at)   the FIFO queue
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import path from "node:path";

/** Name of the database file inside `stateDir`. */
const LEASE_DB_FILE = "leases.sqlite";
/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

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

export function leaseDbPath(stateDir: string): string {
  return path.join(stateDir, LEASE_DB_FILE);
}

/** True for the errors that mean another process holds the lock: worth trying again. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** Opens the db in `stateDir` (creating the folder, the file and the schema if missing). */
export function openLeaseFile(stateDir: string): Database {
  mkdirSync(stateDir, { recursive: true });
  const db = new Database(leaseDbPath(stateDir), { create: true, readwrite: true });
  try {
    // busy_timeout first: everything after it (even switching to WAL) waits for other
    // processes' locks instead of failing with SQLITE_BUSY.
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    retryBusy(() => db.run("PRAGMA journal_mode = WAL"));
    db.run("PRAGMA synchronous = NORMAL");
    retryBusy(() => db.transaction(() => db.run(SCHEMA)).immediate());
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
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
