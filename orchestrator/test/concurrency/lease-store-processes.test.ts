// lease-store.ts across real processes sharing one stateDir (testing/lease-worker.ts): the limit
// holds, FIFO across processes, a SIGKILLed holder's slot is reclaimed. No test sleeps: workers
// print a JSON line when they are queued or hold a slot, and the test reacts to those lines.
import { afterAll, describe, expect, test } from "bun:test";
import { openLeaseStore } from "../../src/concurrency/lease-store.ts";
import { Hub, SCOPE, Worker, killAll, maxOverlap, removeStateDirs, tempStateDir, waiterRows } from "../../testing/lease-store-fixture.ts";

afterAll(removeStateDirs);

describe("across processes", () => {
  test(
    "12 workers, limit 4: never more than 4 held, FIFO across processes, all finish",
    async () => {
      const stateDir = tempStateDir();
      const hub = new Hub();
      const observer = openLeaseStore({ stateDir, scope: SCOPE });
      const observed: number[] = [];
      hub.onEvent = () => observed.push(observer.holders("fast"));
      const workers = Array.from({ length: 12 }, (_, i) => new Worker(hub, i, [stateDir, SCOPE, "fast", "4"]));
      try {
        const held = () => hub.of("held");
        const firstQueued = () => {
          const byWorker = new Map<number, number>();
          for (const e of hub.of("queued")) if (!byWorker.has(e.worker)) byWorker.set(e.worker, e.position!);
          return byWorker;
        };

        // Phase 1: 4 hold, 8 wait in a queue whose positions are 1..8 across the processes.
        await hub.until(() => held().length === 4 && firstQueued().size === 8, "4 holders and 8 queued");
        expect(observer.holders("fast")).toBe(4);
        expect(waiterRows(stateDir, "fast")).toBe(8);
        const positions = firstQueued();
        expect([...positions.values()].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        const workerAt = new Map([...positions].map(([w, p]) => [p, w]));

        // Phase 2: free one slot at a time; each goes to the head of the queue.
        const told = new Set<number>();
        for (let round = 1; round <= 4; round++) {
          const holder = held().find((e) => !told.has(e.worker))!.worker;
          told.add(holder);
          const before = held().length;
          workers[holder]!.go();
          await hub.until(() => held().length === before + 1, `grant #${before + 1}`);
          expect(held().at(-1)!.worker).toBe(workerAt.get(round)!);
        }

        // Phase 3: everyone goes as soon as it holds; churn until all 12 are done.
        hub.onEvent = (e) => {
          observed.push(observer.holders("fast"));
          if (e.event === "held") workers[e.worker]!.go();
        };
        for (const e of held()) workers[e.worker]!.go();
        const codes = await Promise.all(workers.map((w) => w.proc.exited));
        expect({ codes, stderr: workers.map((w) => w.stderr).filter(Boolean) }).toEqual({
          codes: Array(12).fill(0),
          stderr: [],
        });

        expect(new Set(held().map((e) => e.worker)).size).toBe(12);
        expect(Math.max(...held().map((e) => e.holders!))).toBeLessThanOrEqual(4); // db count seen by each holder
        expect(Math.max(...observed)).toBeLessThanOrEqual(4); // db count seen by the test at every line
        expect(maxOverlap(hub)).toBe(4); // from the workers' own timestamps
        expect(observer.holders("fast")).toBe(0);
        expect(waiterRows(stateDir, "fast")).toBe(0);
      } finally {
        killAll(workers);
        observer.close();
      }
    },
    15_000,
  );

  test("a SIGKILLed holder's slot is reclaimed at once (its pid is dead), not after the 60 s ttl", async () => {
    const stateDir = tempStateDir();
    const hub = new Hub();
    const worker = new Worker(hub, 0, [stateDir, SCOPE, "deep", "1"]);
    const store = openLeaseStore({ stateDir, scope: SCOPE }); // default ttl 60 s, default isAlive
    try {
      await hub.until(() => hub.of("held").length === 1, "worker holds the slot");
      let queued = false;
      const next = store.acquire("deep", 1, { onQueued: () => (queued = true) });
      expect(queued).toBe(true);

      worker.proc.kill("SIGKILL");
      await worker.proc.exited; // reaped: a zombie would still answer kill(pid, 0)
      const killedAt = Date.now();
      const lease = await next;
      expect(Date.now() - killedAt).toBeLessThan(1_000);
      lease.release();
    } finally {
      killAll([worker]);
      store.close();
    }
  });

  test("pid reuse (isAlive always true): the slot is reclaimed after the lease expires", async () => {
    const stateDir = tempStateDir();
    const hub = new Hub();
    const ttl = 500;
    const worker = new Worker(hub, 0, [stateDir, SCOPE, "deep", "1", String(ttl)]);
    const store = openLeaseStore({ stateDir, scope: SCOPE, isAlive: () => true, leaseTtlMs: ttl });
    try {
      await hub.until(() => hub.of("held").length === 1, "worker holds the slot");
      const next = store.acquire("deep", 1);

      worker.proc.kill("SIGKILL");
      await worker.proc.exited;
      const killedAt = Date.now();
      // The holder renewed at most ttl/3 ago, so its lease is still live right after the kill.
      expect(store.holders("deep")).toBe(1);
      const lease = await next;
      const reclaimedAfter = Date.now() - killedAt;
      expect(reclaimedAfter).toBeGreaterThan(100);
      expect(reclaimedAfter).toBeLessThan(ttl + 1_000);
      lease.release();
    } finally {
      killAll([worker]);
      store.close();
    }
  });
});
