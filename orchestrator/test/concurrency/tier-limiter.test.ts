import { expect, test } from "bun:test";
import { createTierLimiter } from "../../src/concurrency/tier-limiter.ts";

test("the tier limiter never runs more than the tier's limit at once, and tiers do not share slots", async () => {
  const limiter = createTierLimiter({ fast: 2, deep: 1, reviewer: 1 });
  let running = 0;
  let peak = 0;
  const gates: Array<() => void> = [];
  const job = () =>
    new Promise<void>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      gates.push(() => {
        running--;
        resolve();
      });
    });
  const queued: number[] = [];
  const all = Array.from({ length: 5 }, () => limiter.run("fast", job, { onQueued: (info) => queued.push(info.position) }));
  const deep = limiter.run("deep", async () => "deep ran");
  expect(await deep).toBe("deep ran"); // not blocked behind the busy fast tier
  expect(running).toBe(2);
  expect(queued).toEqual([1, 2, 3]);
  while (gates.length > 0 || running > 0) {
    const open = gates.shift();
    if (open) open();
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(all);
  expect(peak).toBe(2);
});
