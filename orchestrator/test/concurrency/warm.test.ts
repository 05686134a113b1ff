import { describe, expect, test } from "bun:test";
import { createTierLimiter } from "../../src/concurrency/tier-limiter.ts";
import { createWarmLimiter } from "../../src/concurrency/warm.ts";
import type { Tier } from "../../src/core/types.ts";

/** A clock and timers the test moves by hand. */
function fakeTime() {
  let t = 0;
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    now: () => t,
    setTimer(fn: () => void, ms: number) {
      const timer = { at: t + ms, fn, live: true };
      timers.push(timer);
      return { cancel: () => void (timer.live = false) };
    },
    advance(ms: number) {
      t += ms;
      for (const timer of timers) if (timer.live && timer.at <= t) (timer.live = false), timer.fn();
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

function harness(maxDeferMs: number) {
  const time = fakeTime();
  const limiter = createWarmLimiter(createTierLimiter({ fast: 4, deep: 1, reviewer: 2 }), { maxDeferMs, now: time.now, setTimer: time.setTimer });
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const call = (tier: Tier, name: string) =>
    limiter.run(tier, () => {
      started.push(name);
      return new Promise<void>((r) => gates.set(name, r));
    });
  return { time, started, call, finish: (name: string) => gates.get(name)!() };
}

describe("warm-tier preference", () => {
  test("with no other tier busy, a call starts at once", async () => {
    const h = harness(10_000);
    void h.call("deep", "d1");
    await tick();
    expect(h.started).toEqual(["d1"]);
  });

  test("a cold tier waits while another tier's model is busy, and starts when it goes idle", async () => {
    const h = harness(10_000);
    void h.call("fast", "f1");
    await tick();
    void h.call("deep", "d1");
    void h.call("fast", "f2"); // warm: goes straight on
    await tick();
    expect(h.started).toEqual(["f1", "f2"]);
    h.finish("f1");
    await tick();
    expect(h.started).toEqual(["f1", "f2"]);
    h.finish("f2");
    await tick();
    await tick();
    expect(h.started).toEqual(["f1", "f2", "d1"]);
  });

  test("a cold call is never starved: it goes after the bound even while the warm tier stays busy", async () => {
    const h = harness(10_000);
    void h.call("fast", "f1");
    await tick();
    void h.call("deep", "d1");
    await tick();
    h.time.advance(9_999);
    await tick();
    expect(h.started).toEqual(["f1"]);
    h.time.advance(1);
    await tick();
    await tick();
    expect(h.started).toEqual(["f1", "d1"]);
  });

  test("maxDeferMs 0 turns the preference off", async () => {
    const h = harness(0);
    void h.call("fast", "f1");
    void h.call("deep", "d1");
    await tick();
    await tick();
    expect(h.started).toEqual(["f1", "d1"]);
  });
});
