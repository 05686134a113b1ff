// The budget against the real windows: num_ctx as litellm/config.yaml sets it for each tier, a
// real file from a published package, and Qwen's tokenizer counting every prompt independently.
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_TIERS, MODEL_FOR_TIER } from "../../src/core/defaults.ts";
import { TIERS, type Task } from "../../src/core/types.ts";
import { fitPrompt, outlineCache, type PromptSource } from "../../src/executor/budget.ts";
import { buildMessages } from "../../src/executor/prompt.ts";
import { renderQwenChat } from "../../src/executor/tokens/qwen.ts";
import { WHOLE_FILE_MAX_LINES } from "../../src/edits/limits.ts";
import { outlineOf } from "../../src/source/outline.ts";
import { TEST_TOKENS } from "../../testing/tokens.ts";

const ROOT = path.resolve(import.meta.dir, "../..");
const FILE = "src/schemas.ts";
const task: Task = { description: "Rename the local variable `inst` to `instance` in the ZodType constructor.", filesOwned: [FILE] };
const counters = TEST_TOKENS;
const outline = outlineCache(outlineOf);

/** num_ctx per model name, read from the proxy's config as the server will get it. */
async function numCtx(): Promise<Map<string, number>> {
  const yaml = await readFile(path.join(ROOT, "../litellm/config.yaml"), "utf8");
  const out = new Map<string, number>();
  for (const m of yaml.matchAll(/-\s*model_name:\s*"?([\w.-]+)"?[\s\S]*?num_ctx:\s*(\d+)/g)) out.set(m[1]!, Number(m[2]));
  return out;
}

const source = (content: string, previous: PromptSource["previous"] = null): PromptSource => ({ task, files: new Map([[FILE, content]]), previous });

describe("against num_ctx in litellm/config.yaml, counted by Qwen's tokenizer", async () => {
  // zod's core schemas.ts: 177,105 characters, about 45k tokens, so every window's edge falls inside it.
  const lines = (await readFile(path.join(ROOT, "node_modules/zod/src/v4/core/schemas.ts"), "utf8")).split("\n");
  const counter = await counters.load("qwen2.5");
  const count = counter.text;
  const windows = await numCtx();
  const contentOf = (n: number) => `${lines.slice(0, n).join("\n")}\n`;
  /** The whole-file prompt of the first n lines, counted on its own: the template rendered, then tokenized. */
  const wholeTokens = (n: number) => count(renderQwenChat(buildMessages({ task, files: new Map([[FILE, contentOf(n)]]), previous: null, wholeFileMaxLines: WHOLE_FILE_MAX_LINES })));

  for (const tier of TIERS) {
    test(`${tier}: the largest prompt that fits num_ctx is sent whole, one line more is not, and nothing sent is over`, async () => {
      const window = windows.get(MODEL_FOR_TIER[tier])!;
      expect(window).toBe(DEFAULT_TIERS[tier].contextWindow);
      const available = window - DEFAULT_TIERS[tier].maxTokens;
      // The most lines whose whole-file prompt fits, by binary search on the independent count.
      let lo = 1;
      let hi = lines.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (wholeTokens(mid) <= available) lo = mid;
        else hi = mid - 1;
      }
      const fits = await fitPrompt(source(contentOf(lo)), DEFAULT_TIERS[tier], counter, outline);
      expect(fits).toMatchObject({ ok: true, excerpts: [], tokens: wholeTokens(lo) });
      const over = await fitPrompt(source(contentOf(lo + 1)), DEFAULT_TIERS[tier], counter, outline);
      expect(over.ok && over.excerpts.length).toBe(1);
      for (const fit of [fits, over]) {
        if (!fit.ok) throw new Error("expected a prompt");
        expect(count(renderQwenChat(fit.messages))).toBe(fit.tokens);
        expect(fit.tokens + DEFAULT_TIERS[tier].maxTokens).toBeLessThanOrEqual(window);
      }
    }, 30_000); // a binary search over a 177,105-character file, counted each time
  }
});

describe("what gives way", async () => {
  const content = await readFile(path.join(ROOT, "node_modules/zod/src/v4/classic/schemas.ts"), "utf8");
  const counter = await counters.load("qwen2.5");
  const previous = { diff: "--- a/x\n+++ b/x\n", errors: Array.from({ length: 200 }, (_, i) => `src/schemas.ts(${i + 1},1): error TS2304: Cannot find name 'x${i}'.`), formatRefused: false };

  test("a retry's feedback is trimmed before any file is shown in part", async () => {
    const small = "export const a = 1;\n".repeat(200);
    const window = { contextWindow: 4096, maxTokens: 1024 };
    const fit = await fitPrompt(source(small, previous), window, counter, outline);
    expect(fit).toMatchObject({ ok: true, excerpts: [] });
    expect(fit.tokens).toBeLessThanOrEqual(3072);
    expect(fit.ok && fit.messages[1]!.content).toMatch(/more lines not shown/);
  });

  test("a file too big for the window is shown in part, within it", async () => {
    const fit = await fitPrompt(source(content), DEFAULT_TIERS.fast, counter, outline);
    if (!fit.ok) throw new Error("expected a prompt");
    expect(fit.excerpts).toHaveLength(1);
    expect(fit.excerpts[0]).toMatchObject({ file: FILE, lines: content.split("\n").length - 1 });
    expect(fit.tokens).toBeLessThanOrEqual(12_288);
    expect(fit.messages[1]!.content).toContain("shown in part");
    // The excerpts show where the task points: the ZodType constructor, where `inst` is.
    const ctor = content.split("\n").findIndex((l) => l.startsWith("export const ZodType")) + 1;
    expect(fit.excerpts[0]!.shown.some((r) => r.start <= ctor && ctor <= r.end)).toBe(true);
  });

  test("when even the least detailed excerpts do not fit, nothing is sent and the smallest prompt's size is given", async () => {
    const longTask = { ...task, description: `${"Explain every schema in detail. ".repeat(400)}` };
    const fit = await fitPrompt({ ...source(content), task: longTask }, { contextWindow: 2048, maxTokens: 1024 }, counter, outline);
    expect(fit).toMatchObject({ ok: false, available: 1024, tokenizer: "qwen2.5", excerpted: [FILE] });
    expect(fit.tokens).toBeGreaterThan(1024);
  });

  test("a tier of unknown tokenizer is fitted by the estimate, which over-counts", async () => {
    const estimate = await counters.load("estimate");
    const exact = await fitPrompt(source(content.slice(0, 20_000)), DEFAULT_TIERS.deep, counter, outline);
    const estimated = await fitPrompt(source(content.slice(0, 20_000)), DEFAULT_TIERS.deep, estimate, outline);
    expect(estimated).toMatchObject({ ok: true, tokenizer: "estimate" });
    expect(estimated.tokens).toBeGreaterThan(exact.tokens);
  });
});
