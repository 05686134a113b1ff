/**
 * leases.ts against a real SQLite file: in-process fairness, 12 real processes sharing one
 * stateDir (testing/lease-worker.ts), reclaiming the slot of a SIGKILLed holder, abort.
 *
 * No test waits by sleeping: workers print a JSON line when they are queued / hold a slot, and
 * the test reacts to those lines. A worker holds its slot until the test closes its stdin.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defaultStateDir,
  leaseDbPath,
  MAX_POLL_STRETCH,
  openLeaseStore,
  pidIsAlive,
  pollInterval,
  type Lease,
  type LeaseStore,
} from "../../src/concurrency/lease-store.ts";

const ROOT = join(import.meta.dir, "..", "..");
const WORKER = join(import.meta.dir, "..", "..", "testing", "lease-worker.ts");
const SCOPE = "http://localhost:4000/v1";

const tempDirs: string[] = [];
function tempStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "smol-leases-"));
  tempDirs.push(dir);
  return join(dir, "state"); // not created yet: openLeaseStore must create it
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Rows in the waiters table for a scope+key, read straight from the db. */
function waiterRows(stateDir: string, key: string, scope = SCOPE): number {
  const db = new Database(leaseDbPath(stateDir));
  try {
    return db
      .query<{ n: number }, [string, string]>("SELECT COUNT(*) AS n FROM waiters WHERE scope = ? AND key = ?")
      .get(scope, key)!.n;
  } finally {
    db.close();
  }
}

function withStores<T>(stores: LeaseStore[], fn: () => Promise<T>): Promise<T> {
  return fn().finally(() => {
    for (const s of stores) s.close();
  });
}

// ---------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------

interface WorkerEvent {
  worker: number;
  event: "ready" | "queued" | "held" | "releasing";
  pid: number;
  t?: number;
  position?: number;
  holders?: number;
  waitedMs?: number;
}

/** Collects every worker's lines; `until` resolves when a predicate over them holds. */
class Hub {
  readonly events: WorkerEvent[] = [];
  onEvent: ((e: WorkerEvent) => void) | null = null;
  private wakers: Array<() => void> = [];

  push(e: WorkerEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
    for (const wake of this.wakers.splice(0)) wake();
  }

  of(event: WorkerEvent["event"]): WorkerEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  async until(pred: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; events:\n${this.events.map((e) => JSON.stringify(e)).join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

class Worker {
  readonly proc;
  stderr = "";
  private told = false;

  constructor(
    hub: Hub,
    readonly index: number,
    args: string[],
  ) {
    this.proc = Bun.spawn([process.execPath, WORKER, ...args], {
      cwd: ROOT,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    void readLines(this.proc.stdout, (line) => hub.push({ worker: index, ...(JSON.parse(line) as Omit<WorkerEvent, "worker">) }));
    void new Response(this.proc.stderr).text().then((text) => (this.stderr = text));
  }

  /** Tells the worker to release and exit (closes its stdin). */
  go(): void {
    if (this.told) return;
    this.told = true;
    void this.proc.stdin.end();
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onLine(line);
    }
  }
}

function killAll(workers: Worker[]): void {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill("SIGKILL");
}

/** Max number of [held.t, releasing.t] intervals open at once (a release at t closes before a grant at t). */
function maxOverlap(hub: Hub): number {
  const points: Array<[number, number]> = [];
  for (const e of hub.of("held")) points.push([e.t!, +1]);
  for (const e of hub.of("releasing")) points.push([e.t!, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, delta] of points) max = Math.max(max, (open += delta));
  return max;
}

// ---------------------------------------------------------------------------------------

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

  test("defaultStateDir: SMOL_STATE_DIR, then XDG_CACHE_HOME, then ~/.cache", () => {
    expect(defaultStateDir({ SMOL_STATE_DIR: "/srv/state", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/srv/state");
    expect(defaultStateDir({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/x/smol-coder");
    expect(defaultStateDir({ XDG_CACHE_HOME: "relative", HOME: "/h" })).toBe("/h/.cache/smol-coder");
    expect(defaultStateDir({ SMOL_STATE_DIR: "  ", HOME: "/h" })).toBe("/h/.cache/smol-coder");
    expect(pidIsAlive(process.pid)).toBe(true);
    expect(pidIsAlive(2_000_000_003)).toBe(false);
  });
});

describe("pollInterval: a waiter polls more slowly for each full round of waiters ahead of it", () => {
  test.each([
    // [position, limit, interval at a 50 ms poll]
    [1, 4, 50], // next in line
    [4, 4, 50], // still within the next round
    [5, 4, 100],
    [8, 4, 100],
    [9, 4, 150],
    [2, 1, 100], // a lock: one waiter ahead is one round
    [44, 4, 50 * MAX_POLL_STRETCH], // capped
    [1000, 4, 50 * MAX_POLL_STRETCH],
    [-1, 4, 50], // not queued yet
  ])("position %d, limit %d: %d ms", (position, limit, expected) => {
    expect(pollInterval(50, position, limit)).toBe(expected);
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
