import { describe, expect, test } from "bun:test";
import { cacheableTokens, looksTruncated } from "../../src/executor/truncation.ts";

describe("looksTruncated", () => {
  // [what happened, tokens counted, exact?, cacheable, reported, truncated?]
  const cases: Array<[string, number, boolean, number, number, boolean]> = [
    ["the server read what was counted", 20_000, true, 300, 20_000, false],
    ["a cache hit on the system message, reported without it", 20_000, true, 300, 19_700, false],
    ["a retry whose shared start was cached, reported without it", 20_000, true, 18_000, 2_000, false],
    ["a server window of 16384 for a prompt of 20000", 20_000, true, 300, 16_384, true],
    ["Ollama's default 4096", 9_000, true, 300, 4_096, true],
    ["no usage reported", 9_000, true, 300, 0, false],
    ["an estimate that over-counted twofold", 20_000, false, 300, 10_000, false],
    ["an estimate, and a window of a quarter", 20_000, false, 300, 4_096, true],
  ];
  for (const [name, tokens, exact, cacheable, reported, truncated] of cases) {
    test(`${name}: ${truncated ? "cut" : "not cut"}`, () => expect(looksTruncated({ tokens, exact, cacheable, reported })).toBe(truncated));
  }
});

test("cacheableTokens: the system message, or the start shared with the prompt before", () => {
  const system = { role: "system" as const, content: "s".repeat(100) };
  const first = [system, { role: "user" as const, content: `${"f".repeat(800)}first attempt` }];
  const retry = [system, { role: "user" as const, content: `${"f".repeat(800)}${"r".repeat(100)}` }];
  expect(cacheableTokens(retry, 1000, 30, null)).toBe(30);
  const shared = cacheableTokens(retry, 1000, 30, first);
  expect(shared).toBeGreaterThan(800);
  expect(shared).toBeLessThan(1000);
});
