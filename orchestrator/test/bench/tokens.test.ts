// The token-count bench's probe, run as the bench runs it (a fresh process): what it reports
// must be the real thing, or bench/RESULTS.md would record numbers of nothing.
import { expect, test } from "bun:test";
import { benchJson } from "../../testing/bench-script.ts";

// The fields this test reads, as the probe prints them (its own type stays in bench/: tests do
// not import from bench/, they run it).
interface ProbeResult {
  chars: number;
  fileTokens: number;
  promptTokens: number;
  excerptFitMs: number | null;
  rssBeforeMb: number;
  rssAfterLoadMb: number;
  loadMs: number;
  firstFitMs: number;
  retryFitMs: number;
  outlineMs: number;
}

test("the probe loads the tokenizer, fits a 90,000-character file whole at deep and in part at fast", async () => {
  const r = await benchJson<ProbeResult>("tokens/probe.ts", ["90000"]);
  expect(r.chars).toBeGreaterThan(89_000);
  expect(r.chars).toBeLessThanOrEqual(90_000);
  expect(r.fileTokens).toBeGreaterThan(r.chars / 6);
  expect(r.fileTokens).toBeLessThan(r.chars / 2);
  expect(r.promptTokens).toBeGreaterThan(r.fileTokens);
  expect(r.promptTokens).toBeLessThanOrEqual(32_768 - 4096);
  expect(r.excerptFitMs).not.toBeNull();
  expect(r.rssAfterLoadMb).toBeGreaterThan(r.rssBeforeMb + 50);
  for (const ms of [r.loadMs, r.firstFitMs, r.retryFitMs, r.outlineMs]) expect(ms).toBeGreaterThan(0);
}, 60_000);
