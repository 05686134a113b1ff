import { describe, expect, test } from "bun:test";
import { chooseTier, routeTask, startTier, type FitTable, type Route, type TierFit } from "../../src/task/routing.ts";
import { DEFAULT_LIMITS } from "../../src/core/defaults.ts";
import type { Task, Tier } from "../../src/core/types.ts";
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
  const route = routeTask(chooseTier(task(6, 10), DEFAULT_LIMITS), 812, logger);
  expect(events()).toEqual([expect.objectContaining({ event: "tier_selected", tier: route.tier, reason: route.reason, promptTokens: 812 })]);
});

describe("startTier: the first tier from the routed one up whose window holds the prompt", () => {
  const whole = (tokens: number, available: number): TierFit => ({ holds: "whole", tokens, available });
  const part = (tokens: number, available: number): TierFit => ({ holds: "excerpts", tokens, available });
  const none = (tokens: number, available: number): TierFit => ({ holds: "none", tokens, available });
  const fast: Route = { tier: "fast", reason: "default" };
  const deep: Route = { tier: "deep", reason: "6 files owned (more than 5)" };
  // [name, route, fits, the tier it starts at (null: none holds it), words its reason must contain]
  const cases: Array<[string, Route, FitTable, Tier | null, string[]]> = [
    ["fast holds it whole: fast, for the rule's reason", fast, { fast: whole(9_000, 12_288) }, "fast", ["default"]],
    ["fast does not at all, deep does: deep, saying why", fast, { fast: none(20_000, 12_288), deep: whole(20_000, 28_672) }, "deep", ["default; the prompt (20000 tokens) does not fit the fast tier's window (12288 left for the prompt), deep's holds it"]],
    [
      "fast only in part, deep whole: deep, with the whole prompt's size",
      fast,
      { fast: part(5_882, 12_288), deep: whole(19_602, 28_672) },
      "deep",
      ["default; the files do not fit the fast tier's window whole (12288 left for the prompt; shown in part, 5882 tokens), deep's holds it whole (19602 tokens)"],
    ],
    ["whole at deep beats in part at fast", fast, { fast: part(11_000, 12_288), deep: whole(25_000, 28_672) }, "deep", ["deep's holds it"]],
    ["no tier holds it whole: the routed tier, in part", fast, { fast: part(11_000, 12_288), deep: part(20_000, 28_672), reviewer: part(11_000, 12_288) }, "fast", ["outline and excerpts"]],
    ["not even in part at fast, in part at deep", fast, { fast: none(13_000, 12_288), deep: part(20_000, 28_672), reviewer: none(13_000, 12_288) }, "deep", ["outline and excerpts"]],
    ["routed to deep: the tiers below are not tried", deep, { fast: whole(100, 12_288), deep: none(40_000, 28_672), reviewer: none(40_000, 12_288) }, null, []],
    ["no tier holds it at all", fast, { fast: none(40_000, 12_288), deep: none(40_000, 28_672), reviewer: none(40_000, 12_288) }, null, []],
  ];
  for (const [name, route, fits, tier, words] of cases) {
    test(name, () => {
      const start = startTier(route, fits);
      expect(start?.tier ?? null).toBe(tier);
      for (const w of words) expect(start!.reason).toContain(w);
    });
  }
});
