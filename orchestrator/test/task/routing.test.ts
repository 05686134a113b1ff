import { describe, expect, test } from "bun:test";
import { chooseTier, routeTask } from "../../src/task/routing.ts";
import { DEFAULT_LIMITS } from "../../src/core/defaults.ts";
import type { Task } from "../../src/core/types.ts";
import { captureLogger } from "../../testing/logs.ts";

const task = (files: number, chars: number): Task => ({
  description: "x".repeat(chars),
  filesOwned: Array.from({ length: files }, (_, i) => `src/f${i}.ts`),
});

describe("chooseTier", () => {
  const cases: Array<[string, Task, "fast" | "deep"]> = [
    ["one file, short description", task(1, 40), "fast"],
    ["5 files is still fast", task(5, 40), "fast"],
    ["6 files starts deep", task(6, 40), "deep"],
    ["1000 characters is still fast", task(1, 1000), "fast"],
    ["1001 characters starts deep", task(1, 1001), "deep"],
  ];
  for (const [name, t, tier] of cases) {
    test(name, () => expect(chooseTier(t, DEFAULT_LIMITS).tier).toBe(tier));
  }

  test("the reason says which rule matched", () => {
    expect(chooseTier(task(6, 10), DEFAULT_LIMITS).reason).toContain("6 files");
    expect(chooseTier(task(1, 1200), DEFAULT_LIMITS).reason).toContain("1200 characters");
    expect(chooseTier(task(1, 10), DEFAULT_LIMITS).reason).toBe("default");
  });
});

test("routeTask logs the decision exactly as it returns it", () => {
  const { logger, events } = captureLogger();
  const route = routeTask(task(6, 10), DEFAULT_LIMITS, logger);
  expect(events()).toEqual([expect.objectContaining({ event: "tier_selected", tier: route.tier, reason: route.reason })]);
});
