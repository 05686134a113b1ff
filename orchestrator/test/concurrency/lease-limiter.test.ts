import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLeaseLimiter } from "../../src/concurrency/lease-limiter.ts";
import { openLeaseStore } from "../../src/concurrency/lease-store.ts";
import type { QueueInfo, SlotObserver } from "../../src/concurrency/types.ts";

const SCOPE = "http://localhost:4000/v1";
const LIMITS = { fast: 1, deep: 1, reviewer: 1 };

const root = mkdtempSync(join(tmpdir(), "smol-lease-limiter-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function recorder() {
  const queued: QueueInfo[] = [];
  const acquired: number[] = [];
  const observer: SlotObserver = { onQueued: (i) => queued.push(i), onAcquired: (ms) => acquired.push(ms) };
  return { queued, acquired, observer };
}

/** A call that holds its slot until `open()`. */
function held() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { fn: () => gate, open: () => open() };
}

test("a call queued behind this process's own slot is told once, and told when it gets the slot", async () => {
  const store = openLeaseStore({ stateDir: join(root, "local"), scope: SCOPE });
  try {
    const limiter = createLeaseLimiter(store, LIMITS);
    const first = held();
    const running = limiter.run("fast", first.fn);
    const seen = recorder();
    let secondStarted = false;
    const second = limiter.run("fast", async () => ((secondStarted = true), "second ran"), seen.observer);
    expect(seen.queued).toEqual([{ position: 1, holders: 1, limit: 1 }]);
    expect(secondStarted).toBe(false);
    first.open();
    await running;
    expect(await second).toBe("second ran");
    expect(seen.queued).toHaveLength(1);
    expect(seen.acquired).toHaveLength(1);
    expect(store.holders("tier:fast")).toBe(0);
  } finally {
    store.close();
  }
});

test("the slots hold across stores sharing a scope, and a call waiting in the store is reported the same way", async () => {
  const stateDir = join(root, "shared");
  const one = openLeaseStore({ stateDir, scope: SCOPE });
  const two = openLeaseStore({ stateDir, scope: SCOPE });
  try {
    const first = held();
    const running = createLeaseLimiter(one, LIMITS).run("deep", first.fn);
    await Bun.sleep(0);
    while (one.holders("tier:deep") === 0) await Bun.sleep(5);
    const seen = recorder();
    let ran = false;
    const second = createLeaseLimiter(two, LIMITS).run("deep", async () => void (ran = true), seen.observer);
    while (seen.queued.length === 0) await Bun.sleep(5);
    expect(seen.queued).toEqual([{ position: 1, holders: 1, limit: 1 }]);
    expect(ran).toBe(false);
    expect(seen.acquired).toEqual([]);
    first.open();
    await running;
    await second;
    expect(ran).toBe(true);
    expect(seen.acquired).toHaveLength(1);
    // Another tier has its own slots.
    expect(await createLeaseLimiter(two, LIMITS).run("fast", async () => "fast ran")).toBe("fast ran");
  } finally {
    one.close();
    two.close();
  }
});
