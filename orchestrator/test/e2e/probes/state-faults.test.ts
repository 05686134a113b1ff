// Probe table, state faults: a broken state folder (SMOL_STATE_DIR), each through one real CLI
// run. What can be rebuilt without losing anything (the lease db, the baseline cache) is rebuilt
// and the run goes on; a folder that cannot be written is exit 2 with the path and the fix,
// before any model call and with the workspace untouched.
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runCli, type CliResult } from "../../../testing/cli.ts";
import { asNobody } from "../../../testing/fs-faults.ts";
import { reply, startModelServer, type ModelServer } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { GARBAGE_DB, makeImmutable, plantLeaseDb, truncatedLeaseDb } from "../../../testing/state-faults.ts";
import { createWorkspace, PASSING_CHECK, type TempWorkspace } from "../../../testing/workspace.ts";

const task = { description: "create notes.txt", filesOwned: ["notes.txt"] };

interface Probe extends AsyncDisposable {
  ws: TempWorkspace;
  /** A scratch folder next to the workspace, for the state folder under test. */
  scratch: string;
  server: ModelServer;
  marker: string;
  run(stateDir: string, extra?: { prefix?: string[]; env?: Record<string, string> }): Promise<CliResult>;
}

async function probe(): Promise<Probe> {
  const server = await startModelServer();
  const ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
  const scratchWs = await createWorkspace({ template: "empty" });
  const { env, marker } = probeMarker();
  return {
    ws,
    scratch: scratchWs.dir,
    server,
    marker,
    run(stateDir, extra = {}) {
      server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
      return runCli({
        args: ["--workspace", ws.dir],
        stdin: JSON.stringify(task),
        env: { LITELLM_URL: server.url, SMOL_STATE_DIR: stateDir, ...env, ...extra.env },
        prefix: extra.prefix,
      });
    },
    async [Symbol.asyncDispose]() {
      await ws[Symbol.asyncDispose]();
      await scratchWs[Symbol.asyncDispose]();
      await server[Symbol.asyncDispose]();
    },
  };
}

function recoveries(r: CliResult): Array<Record<string, unknown>> {
  return r.events.filter((e) => e.event === "state_recovered");
}

describe("state faults that are repaired: the run completes", () => {
  const corrupt = [
    ["a lease db that is not a database", () => GARBAGE_DB, "SQLITE_NOTADB"],
    ["a real lease db cut in half", truncatedLeaseDb, "SQLITE_CORRUPT"],
  ] as const;
  for (const [name, bytes, reason] of corrupt) {
    test(`${name}: moved aside as leases.sqlite.corrupt-<time>, byte for byte, with a warning, and rebuilt`, async () => {
      await using p = await probe();
      const stateDir = path.join(p.scratch, "state");
      const planted = readFileSync(plantLeaseDb(stateDir, bytes()));
      const r = await p.run(stateDir);
      await expectProbe(r, { exitCode: 0, message: /^$/, marker: p.marker });
      const [warning, ...more] = recoveries(r);
      expect(more).toEqual([]);
      expect(warning).toMatchObject({ level: 40, file: path.join(stateDir, "leases.sqlite"), reason });
      expect(String(warning!.movedTo)).toMatch(/\/leases\.sqlite\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
      expect(readFileSync(String(warning!.movedTo))).toEqual(planted);
      expect(await p.ws.read("notes.txt")).toBe("hi\n");
    }, 60_000);
  }

  test("a zero-byte lease db: SQLite takes it as an empty database, nothing to repair", async () => {
    await using p = await probe();
    const stateDir = path.join(p.scratch, "state");
    plantLeaseDb(stateDir, new Uint8Array());
    const r = await p.run(stateDir);
    await expectProbe(r, { exitCode: 0, message: /^$/, marker: p.marker });
    expect(recoveries(r)).toEqual([]);
    expect(readdirSync(stateDir).filter((f) => f.includes("corrupt"))).toEqual([]);
    expect(await p.ws.read("notes.txt")).toBe("hi\n");
  }, 60_000);

  test("a baseline cache folder that is a file: the run goes on without the cache", async () => {
    await using p = await probe();
    const stateDir = path.join(p.scratch, "state");
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(path.join(stateDir, "baselines"), "in the way\n");
    const r = await p.run(stateDir);
    await expectProbe(r, { exitCode: 0, message: /^$/, marker: p.marker });
    expect(r.events.find((e) => e.event === "verification_baseline")).toMatchObject({ ok: true, cached: false });
    expect(readFileSync(path.join(stateDir, "baselines"), "utf8")).toBe("in the way\n");
    expect(await p.ws.read("notes.txt")).toBe("hi\n");
  }, 60_000);

  for (const [kind, garbage] of [["not JSON", '{"ok": tru'], ["JSON but not a run", JSON.stringify({ ok: true })]] as const) {
    test(`a cached baseline that is ${kind}: a miss, and written anew`, async () => {
      await using p = await probe();
      const stateDir = path.join(p.scratch, "state");
      const baselines = path.join(stateDir, "baselines");
      expect((await p.run(stateDir)).exitCode).toBe(0); // caches the baseline of this workspace state
      const [entry, ...others] = readdirSync(baselines);
      expect(others).toEqual([]);
      writeFileSync(path.join(baselines, entry!), garbage);
      // The probe run: a fresh copy of the same workspace state, whose cache entry is now garbage.
      await using fresh = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
      p.server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
      const r = await runCli({
        args: ["--workspace", fresh.dir],
        stdin: JSON.stringify(task),
        env: { LITELLM_URL: p.server.url, SMOL_STATE_DIR: stateDir, SMOL_PROBE_MARKER: p.marker },
      });
      await expectProbe(r, { exitCode: 0, message: /^$/, marker: p.marker });
      expect(r.events.find((e) => e.event === "verification_baseline")).toMatchObject({ ok: true, cached: false });
      expect(readdirSync(baselines)).toEqual([entry!]); // the same key: the same state
      expect(JSON.parse(readFileSync(path.join(baselines, entry!), "utf8"))).toMatchObject({ ok: true, checks: [{ name: "typecheck", ok: true }] });
      expect(await fresh.read("notes.txt")).toBe("hi\n");
    }, 60_000);
  }
});

describe("a state folder that cannot be written: exit 2, the path and SMOL_STATE_DIR, nothing touched", () => {
  const refused = async (p: Probe, stateDir: string, why: string, extra?: { prefix?: string[]; env?: Record<string, string> }) => {
    const before = await p.ws.snapshot();
    const r = await p.run(stateDir, extra);
    await expectProbe(r, {
      exitCode: 2,
      message: `smol-coder: cannot use the state folder ${stateDir}: ${why}.\n`,
      unchanged: { ws: p.ws, before },
      marker: p.marker,
    });
    expect(r.stderr).toContain("set SMOL_STATE_DIR to a folder you can write");
    expect(r.stderr).not.toContain("internal error");
    expect(p.server.requests).toHaveLength(0);
  };

  test("the state folder is a regular file", async () => {
    await using p = await probe();
    const stateDir = path.join(p.scratch, "state");
    writeFileSync(stateDir, "a file\n");
    await refused(p, stateDir, "a file sits where it or one of its parents should be a folder (EEXIST)");
    expect(readFileSync(stateDir, "utf8")).toBe("a file\n");
  }, 60_000);

  test("the state folder would be under a regular file", async () => {
    await using p = await probe();
    writeFileSync(path.join(p.scratch, "file"), "a file\n");
    await refused(p, path.join(p.scratch, "file", "state"), "a file sits where it or one of its parents should be a folder (ENOTDIR)");
  }, 60_000);

  test("an immutable state folder (chattr +i)", async () => {
    await using p = await probe();
    const stateDir = path.join(p.scratch, "state");
    mkdirSync(stateDir);
    using _ = makeImmutable(stateDir);
    await refused(p, stateDir, "permission denied (EPERM)");
  }, 60_000);

  test("a state folder the user may not write (the CLI run as nobody)", async () => {
    await using p = await probe();
    const stateDir = path.join(p.scratch, "state");
    mkdirSync(stateDir, { mode: 0o755 }); // root's
    // nobody needs a log folder of its own and a workspace it can read.
    const logs = path.join(p.scratch, "logs");
    mkdirSync(logs, { mode: 0o777 });
    chmodSync(logs, 0o777);
    chmodSync(p.scratch, 0o755);
    chmodSync(p.ws.dir, 0o755); // mkdtemp made it 0700
    await refused(p, stateDir, "permission denied (EACCES)", { prefix: asNobody(), env: { SMOL_LOG_DIR: logs, HOME: logs } });
  }, 60_000);
});
