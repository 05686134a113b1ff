// A corrupt lease db is kept aside and replaced; a state folder that cannot be written is a
// StateFolderError naming the path. On real files, with chattr +i for what root cannot write.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { leaseDbPath, openLeaseFile, StateFolderError, type LeaseFileRecovery } from "../../src/concurrency/lease-file.ts";
import { removeStateDirs, tempStateDir } from "../../testing/lease-store-fixture.ts";
import { GARBAGE_DB, makeImmutable, plantLeaseDb, truncatedLeaseDb } from "../../testing/state-faults.ts";

afterAll(removeStateDirs);

const NOW = new Date("2026-12-01T10:20:30.456Z");

/** Opens the lease file, records what was recovered, and checks the db it gives works. */
function openAndUse(stateDir: string): LeaseFileRecovery[] {
  const recovered: LeaseFileRecovery[] = [];
  const db = openLeaseFile(stateDir, { onRecovered: (r) => recovered.push(r), now: () => NOW });
  db.run("INSERT INTO leases (id, scope, key, pid, acquired_at, expires_at) VALUES ('x', 's', 'fast', 1, 0, 1)");
  expect(db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM leases").get()!.n).toBe(1);
  db.close();
  return recovered;
}

function thrown(fn: () => unknown): StateFolderError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StateFolderError);
    return error as StateFolderError;
  }
  throw new Error("expected a StateFolderError");
}

describe("a corrupt lease db is moved aside, kept byte for byte, and replaced", () => {
  const corrupt = [
    ["not a database", () => GARBAGE_DB, "SQLITE_NOTADB"],
    ["a real one cut in half", truncatedLeaseDb, "SQLITE_CORRUPT"],
  ] as const;
  for (const [name, bytes, reason] of corrupt) {
    test(name, () => {
      const stateDir = tempStateDir();
      const file = plantLeaseDb(stateDir, bytes());
      const planted = readFileSync(file);
      const recovered = openAndUse(stateDir);
      const movedTo = `${file}.corrupt-2026-12-01T10-20-30-456Z`;
      expect(recovered).toEqual([{ file, movedTo, reason }]);
      expect(readFileSync(movedTo)).toEqual(planted);
    });
  }

  test("a second corrupt file in the same millisecond does not overwrite the first one kept", () => {
    const stateDir = tempStateDir();
    plantLeaseDb(stateDir, GARBAGE_DB);
    openAndUse(stateDir);
    plantLeaseDb(stateDir, Buffer.from("garbage again, of another kind, long enough to be read as a header".repeat(100)));
    openAndUse(stateDir);
    expect(readdirSync(stateDir).filter((f) => f.includes(".corrupt-")).length).toBe(2);
  });

  test("a zero-byte file is an empty database to SQLite: used as it is", () => {
    const stateDir = tempStateDir();
    plantLeaseDb(stateDir, new Uint8Array());
    expect(openAndUse(stateDir)).toEqual([]);
    expect(readdirSync(stateDir).filter((f) => f.includes(".corrupt-"))).toEqual([]);
  });
});

describe("a state folder that cannot be written names the path", () => {
  test("the folder is a regular file", () => {
    const stateDir = tempStateDir();
    mkdirSync(path.dirname(stateDir), { recursive: true });
    writeFileSync(stateDir, "not a folder\n");
    const e = thrown(() => openLeaseFile(stateDir));
    expect([e.path, e.reason]).toEqual([stateDir, "a file sits where it or one of its parents should be a folder (EEXIST)"]);
    expect(readFileSync(stateDir, "utf8")).toBe("not a folder\n");
  });

  test("the folder would be under a regular file", () => {
    const file = tempStateDir();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "x");
    const e = thrown(() => openLeaseFile(path.join(file, "state")));
    expect(e.reason).toContain("(ENOTDIR)");
  });

  test("an immutable empty folder", () => {
    const stateDir = tempStateDir();
    mkdirSync(stateDir, { recursive: true });
    using _ = makeImmutable(stateDir);
    const e = thrown(() => openLeaseFile(stateDir));
    expect([e.path, e.reason]).toEqual([stateDir, "permission denied (EPERM)"]);
  });

  test("an immutable folder that already holds a working db (it would fail at the next -wal it must create)", () => {
    const stateDir = tempStateDir();
    openAndUse(stateDir);
    using _ = makeImmutable(stateDir);
    const e = thrown(() => openLeaseFile(stateDir));
    expect([e.path, e.reason]).toEqual([stateDir, "permission denied (EPERM)"]);
  });

  test("an immutable db file (SQLite would open it read-only without a word)", () => {
    const stateDir = tempStateDir();
    openAndUse(stateDir);
    using _ = makeImmutable(leaseDbPath(stateDir));
    const e = thrown(() => openLeaseFile(stateDir));
    expect([e.path, e.reason]).toEqual([leaseDbPath(stateDir), "permission denied (EPERM)"]);
  });

  test("a corrupt db in a folder where it cannot be moved aside: an error, and the file left as it was", () => {
    const stateDir = tempStateDir();
    const file = plantLeaseDb(stateDir, GARBAGE_DB);
    using _ = makeImmutable(stateDir);
    const e = thrown(() => openLeaseFile(stateDir));
    expect([e.path, e.reason]).toEqual([stateDir, "permission denied (EPERM)"]);
    expect(readFileSync(file)).toEqual(GARBAGE_DB);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
