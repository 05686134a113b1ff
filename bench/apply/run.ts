// The edit-applier benchmark: the same generated cases through planEdit, plain `patch -p1`,
// `git apply` and `git apply --recount`, scored byte for byte (scoring.ts).
//
//   cd orchestrator && bun ../bench/apply/run.ts [--corpus real [--ci]] [--seed N] [--only planEdit] [--kind bare-@@]
//                                                [--show-fail] [--write-corpus] [--slice N] [--json]
//
//   --corpus real   the real-edit corpus (real/corpus.ts; its tarballs: bun ../bench/apply/real/fetch.ts)
//                   instead of the synthetic one
//   --ci            with --corpus real: only the cases of CI_PAIRS (bun ../bench/apply/real/fetch.ts --ci)
//   --seed N        another corpus of the same make (the tables in RESULTS.md are of the default seeds)
//   --only NAME     one tool
//   --kind PREFIX   only the cases whose perturbation kind starts with PREFIX
//   --show-fail     planEdit's verdict on every case it did not get exactly right
//   --write-corpus  writes bench/apply/out/corpus.json (~12 MB, git-ignored)
//   --slice N       about N cases spread evenly over the corpus (every len/N-th), for a quick run
//   --json          prints the corpus and each case's outcome per tool as JSON instead of tables
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { BenchCase } from "./cases.ts";
import { buildCorpus, CORPUS_SEED } from "./corpus.ts";
import { CI_PAIRS, REAL_SEED, buildRealCorpus } from "./real/corpus.ts";
import { jsonReport, kindTable, refusalTable, toolTable, verdictLine } from "./report.ts";
import { runTools, type Results } from "./scoring.ts";
import { benchTools, planCase } from "./tools.ts";

function corpusHash(cases: readonly BenchCase[]): string {
  return createHash("sha256").update(JSON.stringify(cases)).digest("hex").slice(0, 16);
}

/** Every floor(len / n)-th case, so that every part of the corpus (every kind) is in it. */
function spreadSlice(cases: readonly BenchCase[], n: number): BenchCase[] {
  const step = Math.max(1, Math.floor(cases.length / n));
  return cases.filter((_, i) => i % step === 0);
}

function flag(args: readonly string[], name: string): string | undefined {
  return args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
}

async function showFailures(results: Results, cases: readonly BenchCase[]): Promise<void> {
  const r = results.get("planEdit");
  if (!r) return;
  for (const c of cases) {
    const o = r.get(c.id)!;
    if (o === "exact") continue;
    const plan = await planCase(c);
    console.log(`\n--- ${c.id} ${c.edit} ${c.kind}: ${o} ${plan.ok ? plan.strategy : `${plan.reason}: ${plan.detail}`}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = flag(args, "--only");
  const kindFilter = flag(args, "--kind");
  const sliceArg = flag(args, "--slice");
  const slice = sliceArg === undefined ? undefined : Number(sliceArg);
  if (slice !== undefined && !(Number.isInteger(slice) && slice > 0)) throw new Error(`--slice takes a whole number > 0, not ${sliceArg}`);
  const corpus = flag(args, "--corpus") ?? "synthetic";
  if (corpus !== "synthetic" && corpus !== "real") throw new Error(`--corpus takes synthetic or real, not ${corpus}`);
  if (args.includes("--ci") && corpus !== "real") throw new Error("--ci goes with --corpus real");
  const real = corpus === "real";
  const seedArg = flag(args, "--seed");
  const seed = seedArg !== undefined ? Number(seedArg) : real ? REAL_SEED : CORPUS_SEED;
  if (!Number.isInteger(seed)) throw new Error(`--seed takes a whole number, not ${seedArg}`);
  let cases = real ? buildRealCorpus(args.includes("--ci") ? CI_PAIRS : undefined, seed) : buildCorpus(seed);
  const hash = corpusHash(cases);
  if (args.includes("--write-corpus")) {
    const out = join(import.meta.dir, "out", real ? "real-corpus.json" : "corpus.json");
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(cases, null, 1));
    console.log(`wrote ${out}`);
  }
  if (kindFilter) cases = cases.filter((c) => c.kind.startsWith(kindFilter));
  if (slice !== undefined) cases = spreadSlice(cases, slice);
  const verdicts = new Map<string, string>();
  const tools = Object.entries(benchTools(verdicts)).filter(([name]) => only === undefined || name === only);
  const started = performance.now();
  const results = await runTools(tools, cases);
  const secs = ((performance.now() - started) / 1000).toFixed(1);

  if (args.includes("--json")) {
    console.log(JSON.stringify(jsonReport(results, cases, seed, hash, verdicts)));
    return;
  }
  const mustRefuse = cases.filter((c) => c.expected === null).length;
  console.log(`${corpus} corpus: ${cases.length} cases (${mustRefuse} must be refused), seed ${seed}, sha256/16 ${hash}; ${secs}s\n`);
  console.log(toolTable(results, cases).join("\n"));
  console.log(`\n${kindTable(results, cases).join("\n")}`);
  if (results.has("planEdit")) {
    console.log(`\n${verdictLine(cases, verdicts)}`);
    console.log(`\n${refusalTable(results.get("planEdit")!, cases, verdicts).join("\n")}`);
  }
  if (args.includes("--show-fail")) await showFailures(results, cases);
}

if (import.meta.main) await main();
