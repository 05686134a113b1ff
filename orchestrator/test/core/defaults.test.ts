import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_LIMITS, DEFAULT_TIERS, inferTokenizer, MODEL_FOR_TIER } from "../../src/core/defaults.ts";
import { TIERS } from "../../src/core/types.ts";

describe("defaults", () => {
  test("the limits are the seed's numbers", () => {
    expect(DEFAULT_LIMITS.maxPatchLines).toBe(300);
    expect([DEFAULT_LIMITS.attemptsPerTier, DEFAULT_LIMITS.maxTotalAttempts]).toEqual([2, 5]);
    expect([DEFAULT_LIMITS.deepStartFiles, DEFAULT_LIMITS.deepStartChars]).toEqual([5, 1000]);
    expect(DEFAULT_LIMITS.verifyTimeoutMs).toBe(60_000);
    expect(DEFAULT_LIMITS.concurrency).toEqual({ fast: 4, deep: 1, reviewer: 2 });
    expect(Object.keys(DEFAULT_LIMITS)).toHaveLength(7);
  });

  test("default contextWindow equals num_ctx in litellm/config.yaml for every tier", async () => {
    const yaml = await readFile(path.resolve(import.meta.dir, "../../../litellm/config.yaml"), "utf8");
    const numCtx = new Map<string, number>();
    const block = /-\s*model_name:\s*"?([\w.-]+)"?[\s\S]*?num_ctx:\s*(\d+)/g;
    for (const m of yaml.matchAll(block)) numCtx.set(m[1]!, Number(m[2]));
    for (const tier of TIERS) {
      expect({ tier, numCtx: numCtx.get(MODEL_FOR_TIER[tier]) }).toEqual({ tier, numCtx: DEFAULT_TIERS[tier].contextWindow });
    }
  });

  test("a model name tells whether Qwen's tokenizer counts its prompts", () => {
    const cases: Array<[string, string]> = [
      ["fast-coder", "qwen2.5"],
      ["qwen2.5-coder:7b-instruct", "qwen2.5"],
      ["qwen2.5:7b-instruct", "qwen2.5"],
      ["Qwen/Qwen2.5-Coder-14B-Instruct", "qwen2.5"],
      ["qwen3:8b", "qwen2.5"],
      ["ollama_chat/qwen3-coder:30b", "qwen2.5"],
      ["qwq:32b", "qwen2.5"],
      ["qwen3.5:9b", "estimate"],
      ["llama3.1:8b", "estimate"],
      ["deepseek-coder-v2:16b", "estimate"],
      ["my-alias", "estimate"],
    ];
    expect(cases.map(([model]) => [model, inferTokenizer(model)])).toEqual(cases);
  });
});
