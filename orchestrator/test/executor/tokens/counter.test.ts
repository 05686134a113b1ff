import { expect, test } from "bun:test";
import { createTokenCounters } from "../../../src/executor/tokens/counter.ts";

test("Qwen's tokenizer is loaded on the first count, once for every caller", async () => {
  let loads = 0;
  const counters = createTokenCounters({
    loadQwen: async () => {
      loads++;
      return (text) => text.length;
    },
  });
  expect(loads).toBe(0);
  const [a, b] = await Promise.all([counters.load("qwen2.5"), counters.load("qwen2.5")]);
  expect(a).toBe(b);
  expect(loads).toBe(1);
  expect(a.chat([{ role: "system", content: "abc" }])).toBe("<|im_start|>system\nabc<|im_end|>\n<|im_start|>assistant\n".length);
});

test("the estimate needs nothing loaded and counts the template generously", async () => {
  let loads = 0;
  const counters = createTokenCounters({ loadQwen: async () => (loads++, () => 0) });
  const estimate = await counters.load("estimate");
  expect(loads).toBe(0);
  expect(estimate.text("abc")).toBe(2); // 3 ASCII letters / 3 x 1.2, rounded up
  expect(estimate.text("2026")).toBe(5); // a token per digit, x 1.2
  expect(estimate.text("héllo")).toBe(4); // (4 letters / 3 + 2 bytes for é) x 1.2
  expect(estimate.chat([{ role: "user", content: "" }])).toBe(40);
});

test("a tokenizer that cannot load says how to fix it, and a later prompt tries again", async () => {
  let calls = 0;
  const counters = createTokenCounters({
    loadQwen: async () => {
      calls++;
      if (calls === 1) throw new Error("Cannot find package '@huggingface/tokenizers'");
      return (text) => text.length;
    },
  });
  const err = await counters.load("qwen2.5").catch((e: Error) => e);
  expect((err as Error).message).toContain("Cannot find package '@huggingface/tokenizers'");
  expect((err as Error).message).toContain("bun install --frozen-lockfile");
  expect((err as Error).message).toContain('"estimate"');
  expect((await counters.load("qwen2.5")).text("four")).toBe(4);
});
