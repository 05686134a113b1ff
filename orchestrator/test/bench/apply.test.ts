/**
 * A fast slice of the edit-applier benchmark (bench/apply): about 30 of its generated cases, spread
 * over every perturbation kind, through planEdit. The bar is the benchmark's: no wrong apply
 * (success with a result that differs from the expected bytes, or success on a must-refuse case).
 * The full benchmark is `cd orchestrator && bun ../bench/apply/run.ts`.
 */
import { expect, test } from "bun:test";
import { buildCorpus } from "../../../bench/apply/corpus.ts";
import { planEditTool, score } from "../../../bench/apply/run.ts";

test("bench slice: ~30 cases, 0 wrong applies", async () => {
  const all = buildCorpus();
  const step = Math.floor(all.length / 30);
  const slice = all.filter((_, i) => i % step === 0);
  expect(slice.length).toBeGreaterThanOrEqual(30);
  expect(slice.some((c) => c.expected === null)).toBe(true);
  const outcomes = await Promise.all(slice.map(async (c) => ({ c, o: score(c, await planEditTool(c)) })));
  const wrong = outcomes.filter((x) => x.o === "wrong").map((x) => `${x.c.id} ${x.c.edit} ${x.c.kind}`);
  expect(wrong).toEqual([]);
  const exact = outcomes.filter((x) => x.o === "exact").length;
  expect(exact / slice.length).toBeGreaterThanOrEqual(0.9);
}, 30_000);
