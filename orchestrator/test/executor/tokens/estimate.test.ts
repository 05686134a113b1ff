// The fallback estimate must over-count. It is checked here against Qwen's tokenizer on real
// files from published packages, the densest kinds included: non-Latin text (zod's locales),
// digit-heavy regexes, a test file full of short string literals, and ordinary sources.
import { expect, test } from "bun:test";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { estimateTextTokens } from "../../../src/executor/tokens/estimate.ts";
import { TEST_TOKENS } from "../../../testing/tokens.ts";

const NODE_MODULES = path.resolve(import.meta.dir, "../../../node_modules");
const DENSE = [
  "zod/src/v4/locales/ka.ts",
  "zod/src/v4/locales/ta.ts",
  "zod/src/v4/core/regexes.ts",
  "zod/src/v4/classic/tests/string.test.ts",
  "zod/src/v4/classic/tests/datetime.test.ts",
];

async function sample(dir: string, every: number): Promise<string[]> {
  const files = (await readdir(path.join(NODE_MODULES, dir), { recursive: true }))
    .filter((f) => f.endsWith(".ts"))
    .sort();
  return files.filter((_, i) => i % every === 0).map((f) => path.join(dir, f));
}

test("the estimate never under-counts Qwen's tokenizer on real files, and over-counts by well under 3x", async () => {
  const count = (await TEST_TOKENS.load("qwen2.5")).text;
  const files = [...DENSE, ...(await sample("openai/src", 25)), ...(await sample("zod/src/v4", 20)), ...(await sample("@types/node", 10))];
  expect(files.length).toBeGreaterThan(40);
  const ratios: Array<{ file: string; ratio: number }> = [];
  for (const file of files) {
    const text = await readFile(path.join(NODE_MODULES, file), "utf8");
    if (text.length < 500) continue;
    ratios.push({ file, ratio: estimateTextTokens(text) / count(text) });
  }
  const under = ratios.filter((r) => r.ratio < 1);
  expect(under).toEqual([]);
  expect(Math.max(...ratios.map((r) => r.ratio))).toBeLessThan(3);
}, 30_000); // some 60 files counted with Qwen's tokenizer
