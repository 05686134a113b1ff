import { createTokenCounters } from "./src/executor/tokens/counter.ts";
const c = await createTokenCounters().load("qwen2.5");
for (const f of process.argv.slice(2)) { const t = await Bun.file(f).text(); console.log(t.length, c.text(t), (t.length / c.text(t)).toFixed(2), t.split("\n").length, f); }
