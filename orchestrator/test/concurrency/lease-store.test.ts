// lease-store.ts against a real SQLite file, in one process: fairness, exit, abort.
import { afterAll, describe, expect, test } from "bun:test";
import { openLeaseStore } from "../../src/concurrency/lease-store.ts";
import type { Lease } from "../../src/concurrency/types.ts";
import { SCOPE, removeStateDirs, tempStateDir, waiterRows, withStores } from "../../testing/lease-store-fixture.ts";

afterAll(removeStateDirs);

describe("in-process", () => {
  test("limit 2, 5 concurrent acquires: never more than 2 held, grants in FIFO order", async () => {
    const store = openLeaseStore({ stateDir: tempStateDir(), scope: SCOPE });
    await withStores([store], async () => {
      let current = 0;
      let max = 0;
      const grants: number[] = [];
      const queuedAt: Array<number | undefined> = [];
      await Promise.all(
        [0, 1, 2, 3, 4].map(async (i) => {
          const lease = await store.acquire("reviewer", 2, { onQueued: (info) => (queuedAt[i] ??= info.position) });
          grants.push(i);
          max = Math.max(max, ++current);
          expect(store.holders("reviewer")).toBeLessThanOrEqual(2);
          await Bun.sleep(15); // the "work" done while holding the slot
          current--;
          lease.release();
        }),
      );
      expect(max).toBe(2);
      expect(grants).toEqual([0, 1, 2, 3, 4]);
      expect(queuedAt).toEqual([undefined, undefined, 1, 2, 3]);
      expect(store.holders("reviewer")).toBe(0);
    });
  });

  test("a newcomer does not barge past a queued waiter when a slot frees", async () => {
    const stateDir = tempStateDir();
    const store = openLeaseStore({ stateDir, scope: SCOPE });
    await withStores([store], async () => {
      const order: string[] = [];
      const a = await store.acquire("deep", 1);
      const b = store.acquire("deep", 1).then((l) => (order.push("b"), l));
      a.release();
      const c = store.acquire("deep", 1).then((l) => (order.push("c"), l)); // slot is free right now
      (await b).release();
      (await c).release();
      expect(order).toEqual(["b", "c"]);
      expect(waiterRows(stateDir, "deep")).toBe(0);
    });
  });

  test("release is idempotent; scopes and keys are independent", async () => {
    const stateDir = tempStateDir();
    const one = openLeaseStore({ stateDir, scope: "http://a/v1" });
    const two = openLeaseStore({ stateDir, scope: "http://b/v1" });
    await withStores([one, two], async () => {
      const a = await one.acquire("deep", 1);
      const b = await two.acquire("deep", 1); // other scope: own limit
      const c = await one.acquire("workspace:/tmp/x", 1); // other key: own limit
      expect(one.holders("deep")).toBe(1);
      a.release();
      a.release();
      expect(one.holders("deep")).toBe(0);
      expect(two.holders("deep")).toBe(1);
      const d = await one.acquire("deep", 1);
      expect(d.waitedMs).toBeLessThan(100);
      for (const l of [b, c, d]) l.release();
      await expect(one.acquire("deep", 0)).rejects.toThrow(RangeError);
    });
  });

  test("expired leases are reclaimed by the injected clock; dead pids at once", async () => {
    const stateDir = tempStateDir();
    let clock = 1_000_000;
    const now = () => clock;
    // Pretend-other processes: `pid` is not ours, so their rows are judged by isAlive / expiry.
    const stuck = openLeaseStore({ stateDir, scope: SCOPE, now, pid: 2_000_000_001, leaseTtlMs: 1_000 });
    const dead = openLeaseStore({ stateDir, scope: SCOPE, now, pid: 2_000_000_002 });
    const trusting = openLeaseStore({ stateDir, scope: SCOPE, now, isAlive: () => true });
    const checking = openLeaseStore({ stateDir, scope: SCOPE, now, isAlive: (pid) => pid !== 2_000_000_002 });
    await withStores([stuck, dead, trusting, checking], async () => {
      await stuck.acquire("deep", 1);
      expect(trusting.holders("deep")).toBe(1);
      clock += 999;
      expect(trusting.holders("deep")).toBe(1);
      clock += 1;
      expect(trusting.holders("deep")).toBe(0); // expired, even though its pid "is alive"
      (await trusting.acquire("deep", 1)).release();

      await dead.acquire("fast", 1);
      expect(trusting.holders("fast")).toBe(1);
      expect(checking.holders("fast")).toBe(0);
      const lease = await checking.acquire("fast", 1);
      expect(lease.waitedMs).toBe(0);
      lease.release();
    });
  });
});

describe("exit", () => {
  test("a store that holds or waits is hooked to exit until close(); the hook frees its slots", async () => {
    const stateDir = tempStateDir();
    const hooks: Array<() => void> = [];
    let cancelled = 0;
    const onExit = (fn: () => void) => {
      hooks.push(fn);
      return () => void cancelled++;
    };
    const store = openLeaseStore({ stateDir, scope: SCOPE, onExit });
    const other = openLeaseStore({ stateDir, scope: SCOPE });
    await withStores([store, other], async () => {
      expect(hooks).toHaveLength(0); // nothing to clean up yet
      (await store.acquire("deep", 1)).release();
      expect(hooks).toHaveLength(1);
      await store.acquire("deep", 1); // already hooked: not hooked twice
      expect(hooks).toHaveLength(1);
      expect(other.holders("deep")).toBe(1);
      hooks[0]!(); // the process exits without close()
      expect(other.holders("deep")).toBe(0);
      expect(cancelled).toBe(1);
      await expect(store.acquire("deep", 1)).rejects.toThrow("closed");
    });
  });
});

describe("abort", () => {
  test("abort while queued removes the waiter and rejects with the reason; the queue moves up", async () => {
    const stateDir = tempStateDir();
    const a = openLeaseStore({ stateDir, scope: SCOPE });
    const b = openLeaseStore({ stateDir, scope: SCOPE });
    await withStores([a, b], async () => {
      const held = await a.acquire("workspace:/repo", 1);
      const controller = new AbortController();
      const reason = new Error("user cancelled");
      const bInfo: unknown[] = [];
      const bWait = b.acquire("workspace:/repo", 1, { signal: controller.signal, onQueued: (i) => bInfo.push(i) });
      const cPositions: number[] = [];
      let cMovedUp!: () => void;
      const cAtHead = new Promise<void>((resolve) => (cMovedUp = resolve));
      const cWait = b.acquire("workspace:/repo", 1, {
        onQueued: (i) => {
          cPositions.push(i.position);
          if (i.position === 1) cMovedUp();
        },
      });
      expect(bInfo).toEqual([{ position: 1, holders: 1, limit: 1 }]);
      expect(cPositions).toEqual([2]);
      expect(waiterRows(stateDir, "workspace:/repo")).toBe(2);

      controller.abort(reason);
      await expect(bWait).rejects.toBe(reason);
      expect(waiterRows(stateDir, "workspace:/repo")).toBe(1);
      await cAtHead; // c's next poll sees it is first in line
      expect(cPositions).toEqual([2, 1]);

      held.release();
      (await cWait).release();
      expect(waiterRows(stateDir, "workspace:/repo")).toBe(0);
      expect(a.holders("workspace:/repo")).toBe(0);
    });
  });

  test("an already-aborted signal, and aborting from inside onQueued", async () => {
    const stateDir = tempStateDir();
    const store = openLeaseStore({ stateDir, scope: SCOPE });
    await withStores([store], async () => {
      await expect(store.acquire("deep", 1, { signal: AbortSignal.abort("early") })).rejects.toBe("early");
      const held = await store.acquire("deep", 1);
      const controller = new AbortController();
      const waiting = store.acquire("deep", 1, { signal: controller.signal, onQueued: () => controller.abort("nope") });
      await expect(waiting).rejects.toBe("nope");
      expect(waiterRows(stateDir, "deep")).toBe(0);
      held.release();
    });
  });

  test("close() rejects pending acquires and frees held slots", async () => {
    const stateDir = tempStateDir();
    const a = openLeaseStore({ stateDir, scope: SCOPE });
    const b = openLeaseStore({ stateDir, scope: SCOPE });
    await withStores([b], async () => {
      const lease: Lease = await a.acquire("deep", 1);
      const pending = a.acquire("deep", 1);
      a.close();
      await expect(pending).rejects.toThrow("closed");
      lease.release(); // after close: a no-op, not a throw
      expect(b.holders("deep")).toBe(0);
      expect(waiterRows(stateDir, "deep")).toBe(0);
    });
  });
});

