import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLeaseStore } from "../../src/concurrency/lease-store.ts";
import type { WorkspaceGate } from "../../src/concurrency/types.ts";
import { createLeaseGate, createLocalGate } from "../../src/concurrency/workspace-gate.ts";

const root = mkdtempSync(join(tmpdir(), "smol-gate-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const settle = () => new Promise((r) => setTimeout(r, 30));

/** The same behaviour asked of both gates; `make` returns the gate and its cleanup. */
function gateContract(name: string, make: () => { gate: WorkspaceGate; close(): void }) {
  describe(name, () => {
    test("exclusive runs one section at a time, in the order asked", async () => {
      const { gate, close } = make();
      try {
        const log: string[] = [];
        let openA!: () => void;
        const a = gate.exclusive(async () => {
          log.push("a in");
          await new Promise<void>((r) => (openA = r));
          log.push("a out");
          return "a";
        });
        const b = gate.exclusive(async () => {
          log.push("b in");
          return "b";
        });
        await settle();
        expect(log).toEqual(["a in"]);
        openA();
        expect(await Promise.all([a, b])).toEqual(["a", "b"]);
        expect(log).toEqual(["a in", "a out", "b in"]);
      } finally {
        close();
      }
    });

    test("onWait is told once when a section or a claim has to wait, and never when it does not", async () => {
      const { gate, close } = make();
      try {
        const waits: string[] = [];
        let openA!: () => void;
        const a = gate.exclusive(() => new Promise<void>((r) => (openA = r)), () => waits.push("a"));
        const b = gate.exclusive(async () => waits.push("b in"), () => waits.push("b waits"));
        await settle();
        expect(waits).toEqual(["b waits"]);
        openA();
        await Promise.all([a, b]);
        expect(waits).toEqual(["b waits", "b in"]);
        const first = await gate.claimFiles(["x.ts", "y.ts"], () => waits.push("first waits"));
        const second = gate.claimFiles(["x.ts", "y.ts"], () => waits.push("second waits"));
        await settle();
        first();
        (await second)();
        expect(waits).toEqual(["b waits", "b in", "second waits"]);
      } finally {
        close();
      }
    });

    test("overlapping file claims wait for each other; disjoint ones do not", async () => {
      const { gate, close } = make();
      try {
        const releaseFirst = await gate.claimFiles(["src/b.ts", "src/a.ts"]);
        const disjoint = await gate.claimFiles(["src/c.ts"]);
        let overlapping = false;
        const later = gate.claimFiles(["src/a.ts", "src/d.ts"]).then((release) => ((overlapping = true), release));
        await settle();
        expect(overlapping).toBe(false);
        releaseFirst();
        (await later)();
        expect(overlapping).toBe(true);
        disjoint();
      } finally {
        close();
      }
    });
  });
}

gateContract("local gate", () => ({ gate: createLocalGate(), close: () => {} }));

gateContract("lease gate", () => {
  const store = openLeaseStore({ stateDir: join(root, "state"), scope: "workspaces" });
  return { gate: createLeaseGate(store, "/repo"), close: () => store.close() };
});

test("the lease gate keys its leases by the workspace root", async () => {
  const store = openLeaseStore({ stateDir: join(root, "keys"), scope: "workspaces" });
  try {
    const gate = createLeaseGate(store, "/repo");
    const release = await gate.claimFiles(["src/a.ts"]);
    expect(store.holders("file:/repo/src/a.ts")).toBe(1);
    await gate.exclusive(async () => expect(store.holders("workspace:/repo")).toBe(1));
    expect(store.holders("workspace:/repo")).toBe(0);
    release();
    expect(store.holders("file:/repo/src/a.ts")).toBe(0);
  } finally {
    store.close();
  }
});
