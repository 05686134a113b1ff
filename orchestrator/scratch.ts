import { fitPrompt, outlineCache } from "./src/executor/budget.ts";
import { createTokenCounters } from "./src/executor/tokens/counter.ts";
import { outlineOf } from "./src/source/outline.ts";
import { DEFAULT_TIERS } from "./src/core/defaults.ts";
const file = process.argv[2]!; const desc = process.argv[3]!;
const content = await Bun.file(file).text();
const counter = await createTokenCounters().load("qwen2.5");
console.log("file tokens", counter.text(content), "chars", content.length);
const task = { description: desc, filesOwned: ["src/big.ts"] };
const t0 = performance.now();
for (const tier of ["fast", "deep", "reviewer"] as const) {
  const fit = await fitPrompt({ task, files: new Map([["src/big.ts", content]]), previous: null }, DEFAULT_TIERS[tier], counter, outlineCache(outlineOf));
  console.log(tier, fit.ok, fit.tokens, fit.available, fit.ok ? JSON.stringify(fit.excerpts) : "", (performance.now() - t0).toFixed(0), "ms");
  if (tier === "fast" && fit.ok && process.argv[4]) console.log(fit.messages[1]!.content);
}
