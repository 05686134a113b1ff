// The edit-applier benchmark: the same generated cases through planEdit, plain `patch -p1`,
// `git apply` and `git apply --recount`, scored byte for byte.
//
//   cd orchestrator && bun ../bench/apply/run.ts [--only planEdit] [--kind bare-@@] [--show-fail] [--write-corpus]
//
// Outcomes per case: exact (success, every expected file byte-identical; for must-refuse cases:
// refused), refused (no result), wrong (reported success but a file differs — or any success on
// a must-refuse case).
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { planEdit } from "../../orchestrator/src/edits/plan.ts";
import { buildCorpus, CORPUS_SEED, type BenchCase, type Files } from "./corpus.ts";

export type Outcome = "exact" | "refused" | "wrong";
type Tool = (c: BenchCase) => Promise<Files | null>;

export function score(c: BenchCase, got: Files | null): Outcome {
  if (c.expected === null) return got === null ? "exact" : "wrong";
  if (got === null) return "refused";
  for (const [p, want] of Object.entries(c.expected)) if ((got[p] ?? null) !== want) return "wrong";
  return "exact";
}

/** What planEdit said per case: its strategy, or its refusal reason. */
export const planEditVerdicts = new Map<string, string>();

export const planEditTool: Tool = async (c) => {
  const plan = await planEdit({
    reply: c.reply,
    current: new Map(Object.entries(c.before)),
    filesOwned: c.filesOwned,
    maxLines: 300,
  });
  planEditVerdicts.set(c.id, plan.ok ? plan.strategy : plan.reason);
  if (!plan.ok) return null;
  const out: Files = { ...c.before };
  for (const ch of plan.changes) out[ch.path] = ch.after;
  return out;
};

async function inTempDir(c: BenchCase, run: (dir: string, patchFile: string) => Promise<boolean>): Promise<Files | null> {
  const dir = await mkdtemp(join(tmpdir(), "bench-apply-"));
  const work = join(dir, "w");
  try {
    await mkdir(work);
    for (const [p, content] of Object.entries(c.before)) {
      if (content === null) continue;
      await mkdir(dirname(join(work, p)), { recursive: true });
      await writeFile(join(work, p), content);
    }
    const patchFile = join(dir, "reply.patch");
    await writeFile(patchFile, c.reply);
    if (!(await run(work, patchFile))) return null;
    const out: Files = {};
    const present = new Set<string>();
    const walk = async (d: string) => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else present.add(relative(work, full).split("\\").join("/"));
      }
    };
    await walk(work);
    for (const p of Object.keys(c.before)) out[p] = present.has(p) ? await readFile(join(work, p), "utf8") : null;
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const env = { ...process.env, LC_ALL: "C", GIT_CEILING_DIRECTORIES: tmpdir() };

async function exitCode(cmd: string[], cwd: string): Promise<number> {
  const proc = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  return await proc.exited;
}

const patchTool: Tool = (c) =>
  inTempDir(c, async (dir, file) => {
    return (await exitCode(["patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch", "--reject-file=-", "-i", file], dir)) === 0;
  });

const gitApply =
  (extra: string[]): Tool =>
  (c) =>
    inTempDir(c, async (dir, file) => {
      return (await exitCode(["git", "apply", ...extra, file], dir)) === 0;
    });

export const TOOLS: Record<string, Tool> = {
  planEdit: planEditTool,
  "patch -p1": patchTool,
  "git apply": gitApply([]),
  "git apply --recount": gitApply(["--recount"]),
};

async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export function corpusHash(cases: readonly BenchCase[]): string {
  return createHash("sha256").update(JSON.stringify(cases)).digest("hex").slice(0, 16);
}

function pct(n: number, d: number): string {
  return d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const kindFilter = args.includes("--kind") ? args[args.indexOf("--kind") + 1] : undefined;
  const showFail = args.includes("--show-fail");
  let cases = buildCorpus();
  const hash = corpusHash(cases);
  if (args.includes("--write-corpus")) {
    const out = join(import.meta.dir, "out", "corpus.json");
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(cases, null, 1));
    console.log(`wrote ${out}`);
  }
  if (kindFilter) cases = cases.filter((c) => c.kind.startsWith(kindFilter));
  const tools = Object.entries(TOOLS).filter(([name]) => only === undefined || name === only);
  const results = new Map<string, Map<string, Outcome>>();
  const started = performance.now();
  for (const [name, tool] of tools) {
    const r = new Map<string, Outcome>();
    await pool(cases, 8, async (c) => {
      let got: Files | null;
      try {
        got = await tool(c);
      } catch (e) {
        if (name === "planEdit") console.error(`${c.id} threw: ${(e as Error).stack}`);
        got = null;
      }
      r.set(c.id, score(c, got));
    });
    results.set(name, r);
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);

  const mustRefuse = cases.filter((c) => c.expected === null).length;
  console.log(`corpus: ${cases.length} cases (${mustRefuse} must be refused), seed ${CORPUS_SEED}, sha256/16 ${hash}; ${secs}s\n`);
  console.log("| tool | exact | refused | wrong apply |");
  console.log("|---|---|---|---|");
  for (const [name, r] of results) {
    const count = (o: Outcome) => [...r.values()].filter((x) => x === o).length;
    console.log(`| ${name} | ${count("exact")} (${pct(count("exact"), cases.length)}) | ${count("refused")} | ${count("wrong")} |`);
  }

  // Per perturbation kind: exact counts per tool.
  const kinds = [...new Set(cases.map((c) => c.kind.replace(/\+(crlf|no-eol)$/, "")))];
  console.log(`\n| kind | n | ${tools.map(([n]) => n).join(" | ")} |`);
  console.log(`|---|---|${tools.map(() => "---").join("|")}|`);
  for (const k of kinds) {
    const ks = cases.filter((c) => c.kind.replace(/\+(crlf|no-eol)$/, "") === k);
    const cells = tools.map(([name]) => {
      const r = results.get(name)!;
      const exact = ks.filter((c) => r.get(c.id) === "exact").length;
      const wrong = ks.filter((c) => r.get(c.id) === "wrong").length;
      return `${exact}${wrong ? ` (${wrong} wrong)` : ""}`;
    });
    console.log(`| ${k} | ${ks.length} | ${cells.join(" | ")} |`);
  }
  for (const variant of ["crlf", "no-eol"]) {
    const ks = cases.filter((c) => c.kind.endsWith(`+${variant}`) || c.kind.endsWith(`+${variant}-tail`));
    const cells = tools.map(([name]) => {
      const r = results.get(name)!;
      const exact = ks.filter((c) => r.get(c.id) === "exact").length;
      const wrong = ks.filter((c) => r.get(c.id) === "wrong").length;
      return `${exact}${wrong ? ` (${wrong} wrong)` : ""}`;
    });
    console.log(`| (any)+${variant} | ${ks.length} | ${cells.join(" | ")} |`);
  }

  if (results.has("planEdit")) {
    const tally = new Map<string, number>();
    for (const c of cases) {
      const v = planEditVerdicts.get(c.id) ?? "threw";
      tally.set(v, (tally.get(v) ?? 0) + 1);
    }
    console.log(`\nplanEdit verdicts: ${[...tally].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(", ")}`);
  }

  if (showFail) {
    const r = results.get("planEdit");
    if (r) {
      for (const c of cases) {
        const o = r.get(c.id)!;
        if (o === "exact") continue;
        const plan = await planEdit({ reply: c.reply, current: new Map(Object.entries(c.before)), filesOwned: c.filesOwned, maxLines: 300 });
        console.log(`\n--- ${c.id} ${c.edit} ${c.kind}: ${o} ${plan.ok ? plan.strategy : `${plan.reason}: ${plan.detail}`}`);
      }
    }
  }
}

if (import.meta.main) await main();
