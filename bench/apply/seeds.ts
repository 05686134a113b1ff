// planEdit over many corpora of the same make (other seeds), to see how far the default corpus's
// result carries: the tables in RESULTS.md are of one seed each, and the kinds are drawn at random.
//
//   cd orchestrator && bun ../bench/apply/seeds.ts [--corpus real] --from 1 --to 20
//
// Prints, per seed, planEdit's exact / refused / wrong, then the totals and every case that was
// not exact, with planEdit's verdict.
import type { BenchCase } from "./cases.ts";
import { buildCorpus } from "./corpus.ts";
import { buildRealCorpus } from "./real/corpus.ts";
import { refusalCause } from "./report.ts";
import { runTools } from "./scoring.ts";
import { benchTools } from "./tools.ts";

function flag(args: readonly string[], name: string, fallback: string): string {
  return args.includes(name) ? args[args.indexOf(name) + 1]! : fallback;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const real = flag(args, "--corpus", "synthetic") === "real";
  const from = Number(flag(args, "--from", "1"));
  const to = Number(flag(args, "--to", "20"));
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error("--from and --to take whole numbers, from <= to");
  const total = { cases: 0, exact: 0, refused: 0, wrong: 0 };
  const misses: string[] = [];
  for (let seed = from; seed <= to; seed++) {
    const cases: BenchCase[] = real ? buildRealCorpus(undefined, seed) : buildCorpus(seed);
    const verdicts = new Map<string, string>();
    const results = await runTools([["planEdit", benchTools(verdicts).planEdit!]], cases);
    const r = results.get("planEdit")!;
    const count = (o: string) => cases.filter((c) => r.get(c.id) === o).length;
    const [exact, refused, wrong] = [count("exact"), count("refused"), count("wrong")];
    console.log(`seed ${seed}: ${cases.length} cases, ${exact} exact, ${refused} refused, ${wrong} wrong`);
    Object.assign(total, { cases: total.cases + cases.length, exact: total.exact + exact, refused: total.refused + refused, wrong: total.wrong + wrong });
    for (const c of cases) {
      const o = r.get(c.id);
      if (o !== "exact") misses.push(`seed ${seed} ${c.id} ${c.kind}: ${o} (${verdicts.get(c.id)})${refusalCause(c) ? ` must refuse: ${refusalCause(c)}` : ""}`);
    }
  }
  const pct = ((100 * total.exact) / total.cases).toFixed(2);
  console.log(`\nseeds ${from}..${to}: ${total.cases} cases, ${total.exact} exact (${pct}%), ${total.refused} refused, ${total.wrong} wrong`);
  for (const m of misses) console.log(`- ${m}`);
}

if (import.meta.main) await main();
