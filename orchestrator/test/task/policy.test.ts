import { describe, expect, test } from "bun:test";
import { decide, escalationReason, escalationTarget, nextTier } from "../../src/task/policy.ts";
import type { FitTable, TierFit } from "../../src/task/routing.ts";
import type { AttemptRecord, Decision, Tier } from "../../src/core/types.ts";

const limits = { attemptsPerTier: 2, maxTotalAttempts: 5 };

function attempts(...tiers: Tier[]): AttemptRecord[] {
  return tiers.map((tier, i) => ({ attempt: i + 1, tier, outcome: "verification_fail", diff: null, errors: ["x"] }));
}

describe("decide", () => {
  // [tiers of the attempts so far, the last one being the result just in] -> decision
  const cases: Array<[Tier[], Decision]> = [
    [["fast"], "retry"],
    [["fast", "fast"], "escalate"],
    [["fast", "fast", "deep"], "retry"],
    [["fast", "fast", "deep", "deep"], "escalate"],
    [["fast", "fast", "deep", "deep", "reviewer"], "abort"], // 5 attempts in total
    [["deep"], "retry"],
    [["deep", "deep"], "escalate"],
    [["deep", "deep", "reviewer"], "retry"],
    [["deep", "deep", "reviewer", "reviewer"], "abort"], // no tier above reviewer
  ];
  for (const [tiers, expected] of cases) {
    test(`${tiers.join(" > ")} -> ${expected}`, () => {
      const all = attempts(...tiers);
      expect(decide(all.slice(0, -1), all.at(-1)!, limits)).toBe(expected);
    });
  }

  test("a rejected patch counts as a failure like a failed verification", () => {
    const history = attempts("fast");
    const rejected: AttemptRecord = { attempt: 2, tier: "fast", outcome: "patch_rejected", diff: null, errors: ["no diff"] };
    expect(decide(history, rejected, limits)).toBe("escalate");
  });

  test("other limits are honoured", () => {
    const all = attempts("fast", "fast", "fast");
    expect(decide(all.slice(0, 2), all[2]!, { attemptsPerTier: 3, maxTotalAttempts: 9 })).toBe("escalate");
    expect(decide([], attempts("fast")[0]!, { attemptsPerTier: 3, maxTotalAttempts: 1 })).toBe("abort");
  });

  test("a passing attempt is not the policy's to decide", () => {
    const pass: AttemptRecord = { attempt: 1, tier: "fast", outcome: "verification_pass", diff: "d", errors: [] };
    expect(() => decide([], pass, limits)).toThrow();
  });
});

test("nextTier climbs fast > deep > reviewer and stops", () => {
  expect(nextTier("fast")).toBe("deep");
  expect(nextTier("deep")).toBe("reviewer");
  expect(nextTier("reviewer")).toBeNull();
});

test("escalationReason counts the failures at the tier, as the seed logs it", () => {
  expect(escalationReason(attempts("fast", "fast"), "fast")).toBe("2 failures at fast tier");
  expect(escalationReason(attempts("fast", "fast", "deep"), "deep")).toBe("1 failure at deep tier");
});

describe("escalationTarget: the next tier up whose window holds the prompt; the others are skipped", () => {
  const holds = (h: TierFit["holds"]): TierFit => ({ holds: h, tokens: 20_000, available: 12_288 });
  // [from, fits of the tiers tried, including the tier itself, -> to, skipped]
  const cases: Array<[Tier, FitTable, boolean, Tier | null, Tier[]]> = [
    ["fast", { deep: holds("whole") }, false, "deep", []],
    ["fast", { deep: holds("excerpts") }, false, "deep", []],
    ["deep", { reviewer: holds("none") }, false, null, ["reviewer"]],
    ["fast", { deep: holds("none"), reviewer: holds("whole") }, false, "reviewer", ["deep"]],
    ["fast", { fast: holds("none"), deep: holds("excerpts") }, true, "deep", ["fast"]],
    ["fast", { fast: holds("whole") }, true, "fast", []],
    ["reviewer", {}, false, null, []],
  ];
  for (const [from, fits, including, to, skipped] of cases) {
    test(`${from}${including ? " (itself first)" : ""} -> ${to ?? "none"}${skipped.length ? `, skipping ${skipped.join(", ")}` : ""}`, () => {
      expect(escalationTarget(from, fits, including)).toEqual({ to, skipped });
    });
  }
});
