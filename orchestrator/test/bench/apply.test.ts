/**
 * A fast slice of the edit-applier benchmark (bench/apply): about 30 of its generated cases, spread
 * over every perturbation kind, through planEdit. The bar is the benchmark's: no wrong apply
 * (success with a result that differs from the expected bytes, or success on a must-refuse case).
 * The bench runs as a child process (`run.ts --only planEdit --slice 30 --json`); the full
 * benchmark is `cd orchestrator && bun ../bench/apply/run.ts`.
 */
import { expect, test } from "bun:test";
import { benchJson } from "../../testing/bench-script.ts";

interface SliceReport {
  cases: Array<{ id: string; edit: string; kind: string; mustRefuse: boolean; outcomes: { planEdit: string } }>;
}

test("bench slice: ~30 cases, 0 wrong applies", async () => {
  const report = await benchJson<SliceReport>("apply/run.ts", ["--only", "planEdit", "--slice", "30", "--json"]);
  const slice = report.cases;
  expect(slice.length).toBeGreaterThanOrEqual(30);
  expect(slice.some((c) => c.mustRefuse)).toBe(true);
  const wrong = slice.filter((c) => c.outcomes.planEdit === "wrong").map((c) => `${c.id} ${c.edit} ${c.kind}`);
  expect(wrong).toEqual([]);
  const exact = slice.filter((c) => c.outcomes.planEdit === "exact").length;
  expect(exact / slice.length).toBeGreaterThanOrEqual(0.9);
}, 30_000);
