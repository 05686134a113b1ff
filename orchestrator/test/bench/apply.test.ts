/**
 * Fast slices of the edit-applier benchmark (bench/apply), through planEdit at the default
 * config, run as a child process the way its usage line says. The bar is the benchmark's: no
 * wrong apply (success with a result that differs from the expected bytes, or success on a
 * must-refuse case). The full runs are `cd orchestrator && bun ../bench/apply/run.ts` and
 * `bun ../bench/apply/run.ts --corpus real`.
 */
import { expect, test } from "bun:test";
import { benchJson } from "../../testing/bench-script.ts";

interface SliceReport {
  cases: Array<{
    id: string;
    edit: string;
    kind: string;
    mustRefuse: boolean;
    refusalCause: string | null;
    verdict: string | null;
    largestFileChars: number;
    outcomes: { planEdit: string };
  }>;
}

const wrongOnes = (r: SliceReport) => r.cases.filter((c) => c.outcomes.planEdit === "wrong").map((c) => `${c.id} ${c.edit} ${c.kind}`);

test("synthetic corpus slice: ~30 cases, 0 wrong applies", async () => {
  const report = await benchJson<SliceReport>("apply/run.ts", ["--only", "planEdit", "--slice", "30", "--json"]);
  const slice = report.cases;
  expect(slice.length).toBeGreaterThanOrEqual(30);
  expect(slice.some((c) => c.mustRefuse)).toBe(true);
  expect(wrongOnes(report)).toEqual([]);
  const exact = slice.filter((c) => c.outcomes.planEdit === "exact").length;
  expect(exact / slice.length).toBeGreaterThanOrEqual(0.9);
}, 30_000);

// Needs the tarballs of the CI slice: `cd orchestrator && bun ../bench/apply/real/fetch.ts --ci` (.ci/run does it).
test("real-edit corpus, CI slice: 0 wrong, at least 99% exact, refused only when ambiguous or truncated", async () => {
  const report = await benchJson<SliceReport>("apply/run.ts", ["--corpus", "real", "--ci", "--only", "planEdit", "--json"]);
  const slice = report.cases;
  expect(slice.length).toBeGreaterThanOrEqual(60);
  // The slice holds what issue 14 names: a ~30,000-character component, a ~90,000-character file,
  // added lines at the file's indentation under shifted context, repeated context that order settles (or not).
  expect(slice.some((c) => c.id.includes("react-router") && c.id.includes("src/link.tsx") && c.largestFileChars >= 30_000)).toBe(true);
  expect(slice.some((c) => c.largestFileChars >= 90_000)).toBe(true);
  for (const kind of ["context-shifted-added-kept", "whole-hunk-shifted", "order-decides", "order-undecided", "truncated"]) {
    expect(slice.filter((c) => c.kind.startsWith(kind)).length).toBeGreaterThan(0);
  }
  expect(wrongOnes(report)).toEqual([]);
  const exact = slice.filter((c) => c.outcomes.planEdit === "exact").length;
  expect(exact / slice.length).toBeGreaterThanOrEqual(0.99);
  // Every refusal is of a case that must be refused, because it is ambiguous or truncated.
  const refusedToApply = slice.filter((c) => !c.mustRefuse && c.outcomes.planEdit === "refused").map((c) => `${c.id}: ${c.verdict}`);
  expect(refusedToApply).toEqual([]);
  const causes = new Set(slice.filter((c) => c.mustRefuse).map((c) => c.refusalCause?.split(":")[0]));
  expect([...causes].sort()).toEqual(["ambiguous", "truncated"]);
}, 60_000);
