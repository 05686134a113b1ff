// The SQLite file behind the leases, shared by every process using the same stateDir (WAL mode):
//
//   leases  (id, scope, key, pid, acquired_at, expires_at)       one row per held slot
//   waiters (seq, id, scope, key, pid, enqueued_at, heartbeat, expires_at)   the FIFO queue
//
// Its rows are only the slots and places of live processes, so a corrupt file (not a database,
// cut short, malformed pages) loses nothing worth keeping: it is moved aside, kept as
// leases.sqlite.corrupt-<time> (with what SQLite left of its -wal and -shm), and a new one is made. A folder that
// cannot be written is a StateFolderError naming the path; the CLI tells the user the fix.
import { Database } from "bun:sqlite";
import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
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

/** A corrupt lease file that was moved aside and replaced by a new one. */
export interface LeaseFileRecovery {
  file: string;
  movedTo: string;
  /** The SQLite error code (SQLITE_NOTADB, SQLITE_CORRUPT) or what quick_check said. */
  reason: string;
}

export interface OpenLeaseFileOptions {
  onRecovered?: (recovery: LeaseFileRecovery) => void;
  /** For the name of the moved-aside file. Default `new Date()`. */
  now?: () => Date;
}

/** The state folder, or the lease file in it, cannot be made or written. */
export class StateFolderError extends Error {
  constructor(
    /** The folder or file at fault. */
    readonly path: string,
    /** What is wrong, in a few words, with the error code. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "StateFolderError";
  }
}

/**
 * Opens the db in `stateDir`, creating the folder, the file and the schema if missing, and
 * replacing a corrupt file (see the top of this file). Throws StateFolderError when the folder
 * or the file cannot be written.
 */
export function openLeaseFile(stateDir: string, options: OpenLeaseFileOptions = {}): Database {
  const file = leaseDbPath(stateDir);
  assertWritable(stateDir, file);
  const seen = inode(file);
  try {
    return openChecked(file);
  } catch (error) {
    if (!isCorrupt(error)) throw asStateFolderError(error, file);
    // Another process may have replaced the file since we opened it: then open theirs.
    if (inode(file) !== seen) return openOrExplain(file);
    const movedTo = moveAside(file, (options.now ?? (() => new Date()))());
    options.onRecovered?.({ file, movedTo, reason: codeOf(error) });
    return openOrExplain(file);
  }
}

/**
 * The folder must take new files (the -wal and -shm beside the db, a corrupt file moved aside,
 * cached baselines) and the db must be writable. Asked up front: SQLite opens a file it cannot
 * write read-only without a word, and the first slot taken would fail in the middle of a run.
 */
function assertWritable(stateDir: string, file: string): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    accessSync(stateDir, constants.W_OK);
  } catch (error) {
    throw new StateFolderError(stateDir, describeFsError(error));
  }
  try {
    if (existsSync(file)) accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new StateFolderError(file, describeFsError(error));
  }
}

function openOrExplain(file: string): Database {
  try {
    return openChecked(file);
  } catch (error) {
    throw asStateFolderError(error, file);
  }
}

/** Opens, sets up and checks the file: a corrupt one fails here, not at some later statement. */
function openChecked(file: string): Database {
  const db = new Database(file, { create: true, readwrite: true });
  try {
    // busy_timeout first: everything after it (even switching to WAL) waits for other
    // processes' locks instead of failing with SQLITE_BUSY.
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    retryBusy(() => db.run("PRAGMA journal_mode = WAL"));
    db.run("PRAGMA synchronous = NORMAL");
    retryBusy(() => db.transaction(() => db.run(SCHEMA)).immediate());
    quickCheck(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** PRAGMA quick_check: a few pages here, well under a millisecond. */
function quickCheck(db: Database): void {
  const statement = db.prepare<{ quick_check: string }, []>("PRAGMA quick_check");
  try {
    const said = statement.all().map((row) => row.quick_check);
    if (said.length !== 1 || said[0] !== "ok") {
      throw Object.assign(new Error(`quick_check: ${said.join("; ")}`), { code: "SQLITE_CORRUPT" });
    }
  } finally {
    statement.finalize();
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function isCorrupt(error: unknown): boolean {
  const code = codeOf(error);
  return code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB";
}

/** The errors that mean "this place cannot be written"; anything else is a bug and stays one. */
function asStateFolderError(error: unknown, file: string): unknown {
  const code = codeOf(error);
  if (isCorrupt(error)) return new StateFolderError(file, `still corrupt after it was replaced (${code})`);
  if (code.startsWith("SQLITE_CANTOPEN")) return new StateFolderError(file, `cannot be created or opened (${code})`);
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM") || code.startsWith("SQLITE_AUTH")) {
    return new StateFolderError(file, `cannot be written (${code})`);
  }
  if (code.startsWith("SQLITE_IOERR")) return new StateFolderError(file, `disk I/O error (${code})`);
  if (code === "SQLITE_FULL") return new StateFolderError(file, "the disk is full (SQLITE_FULL)");
  if (/^E[A-Z]+$/.test(code)) return new StateFolderError(file, describeFsError(error));
  return error;
}

function describeFsError(error: unknown): string {
  const code = codeOf(error);
  if (code === "EEXIST" || code === "ENOTDIR") return `a file sits where it or one of its parents should be a folder (${code})`;
  if (code === "EACCES" || code === "EPERM") return `permission denied (${code})`;
  if (code === "EROFS") return "on a read-only file system (EROFS)";
  if (code === "ENOSPC") return "the disk is full (ENOSPC)";
  return code ? `cannot be written (${code})` : String((error as Error)?.message ?? error);
}

function inode(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

/** Renames the file (and any -wal and -shm still there) to <file>.corrupt-<time>; returns the new name. */
function moveAside(file: string, now: Date): string {
  let target = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
  if (existsSync(target)) target = `${target}-${process.pid}`;
  try {
    renameSync(file, target);
  } catch (error) {
    throw new StateFolderError(file, `is corrupt and cannot be moved aside: ${describeFsError(error)}`);
  }
  for (const suffix of ["-wal", "-shm"]) {
    try {
      renameSync(file + suffix, target + suffix);
    } catch {
      // None left: SQLite removes a -wal it cannot use when it closes the file.
    }
  }
  return target;
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
