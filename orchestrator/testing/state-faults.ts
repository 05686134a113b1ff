// Broken state folders for the tests of lease-file.ts and the state-fault probes: a lease db
// that is not a database, a real one cut short, and folders or files made immutable.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { leaseDbPath, openLeaseFile } from "../src/concurrency/lease-file.ts";

/** Bytes that are not an SQLite database (SQLite answers SQLITE_NOTADB). */
export const GARBAGE_DB = Buffer.from("this is not an sqlite database\n".repeat(200));

/** A real lease db (schema and a row, as smol-coder writes it) cut in half, as a disk-full copy would leave it. */
export function truncatedLeaseDb(): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), "smol-truncated-"));
  try {
    const db = openLeaseFile(path.join(dir, "state"));
    db.run("INSERT INTO leases (id, scope, key, pid, acquired_at, expires_at) VALUES ('a', 'http://x', 'fast', 1, 0, 0)");
    // One self-contained file, whatever is still in the WAL.
    const whole = path.join(dir, "whole.sqlite");
    db.run(`VACUUM INTO '${whole}'`);
    db.close();
    const bytes = readFileSync(whole);
    if (bytes.length < 8192) throw new Error(`expected a lease db of several pages, got ${bytes.length} bytes`);
    return bytes.subarray(0, Math.floor(bytes.length / 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `bytes` as the lease db of `stateDir` (created), with no -wal or -shm beside it. */
export function plantLeaseDb(stateDir: string, bytes: Uint8Array): string {
  mkdirSync(stateDir, { recursive: true });
  const file = leaseDbPath(stateDir);
  for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });
  writeFileSync(file, bytes);
  return file;
}

/** `chattr +i` (root cannot write it either); `chattr -i` on disposal so the folder can be removed. */
export function makeImmutable(target: string): Disposable {
  const chattr = (flag: string) => {
    const r = Bun.spawnSync(["chattr", flag, target], { stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`chattr ${flag} ${target} failed (needs root and ext4 or similar): ${r.stderr.toString()}`);
  };
  chattr("+i");
  return { [Symbol.dispose]: () => chattr("-i") };
}
