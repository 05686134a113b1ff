// The verify bench's tables and verdicts: per project, parallel against the slowest check alone,
// and when the target is missed, whether CPU contention explains it.
import { seconds as sec } from "../lib/format.ts";
import { median, sum } from "../lib/stats.ts";
import type { ProjectResult } from "./measure.ts";

export const TARGET_RATIO = 1.1;

interface Summary {
  seqMedian: number;
  seqMin: number;
  parMedian: number;
  parMin: number;
  aloneMedian: Record<string, number>;
  inParMedian: Record<string, number>;
  cpuAloneMedian: Record<string, number>;
  cpuMedian: number;
  slowest: string;
  slowestMs: number;
  ratio: number;
  /** Parallel min over the slowest check's min alone: the least disturbed runs of each. */
  minRatio: number;
  /** Cores kept busy by other processes on average over all timed runs. */
  otherCores: number;
}

function summarize(r: ProjectResult): Summary {
  const aloneMedian: Record<string, number> = {};
  const inParMedian: Record<string, number> = {};
  const cpuAloneMedian: Record<string, number> = {};
  for (const name of r.checks) {
    aloneMedian[name] = median(r.seq.map((s) => s.checkMs[name] ?? 0));
    inParMedian[name] = median(r.par.map((s) => s.checkMs[name] ?? 0));
    cpuAloneMedian[name] = median(r.seq.map((s) => s.checkCpuMs[name] ?? 0));
  }
  const slowest = r.checks.reduce((a, b) => (aloneMedian[b]! > aloneMedian[a]! ? b : a));
  const slowestMs = aloneMedian[slowest]!;
  const parMedian = median(r.par.map((s) => s.wallMs));
  return {
    seqMedian: median(r.seq.map((s) => s.wallMs)),
    seqMin: Math.min(...r.seq.map((s) => s.wallMs)),
    parMedian,
    parMin: Math.min(...r.par.map((s) => s.wallMs)),
    aloneMedian,
    inParMedian,
    cpuAloneMedian,
    cpuMedian: median(r.par.map((s) => s.cpuMs)),
    slowest,
    slowestMs,
    ratio: parMedian / slowestMs,
    minRatio:
      Math.min(...r.par.map((s) => s.wallMs)) /
      Math.max(...r.checks.map((n) => Math.min(...r.seq.map((s) => s.checkMs[n] ?? 0)))),
    otherCores: sum([...r.seq, ...r.par].map((s) => s.otherCpuMs)) / sum([...r.seq, ...r.par].map((s) => s.wallMs)),
  };
}

export function render(results: ProjectResult[], runs: number, cores: number): string {
  const summaries = results.map(summarize);
  const out: string[] = [];
  out.push(
    `| project | .ts files (lines) | sequential median (min) | parallel median (min) | slowest check alone (median) | not niced | parallel / slowest | target ≤ ${TARGET_RATIO}x | same, of mins | check CPU per parallel attempt | CPU / ${cores} cores | other load |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  results.forEach((r, i) => {
    const s = summaries[i]!;
    out.push(
      `| ${r.project.name} | ${r.files} (${r.lines}) | ${sec(s.seqMedian)} s (${sec(s.seqMin)}) | ${sec(s.parMedian)} s (${sec(s.parMin)}) | ` +
        `${s.slowest} ${sec(s.slowestMs)} s | ${r.normal} | ${s.ratio.toFixed(2)}x | ${s.ratio <= TARGET_RATIO ? "met" : "**missed**"} | ${s.minRatio.toFixed(2)}x | ` +
        `${sec(s.cpuMedian)} CPU-s | ${sec(s.cpuMedian / cores)} s | ${s.otherCores.toFixed(2)} cores |`,
    );
  });
  out.push(
    "",
    `Each check, median over ${runs} runs: alone (from the sequential runs) and inside the parallel runs.`,
    "",
    "| project | check | alone | CPU alone (user+sys) | cores busy alone | in parallel run | slowdown in parallel |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  results.forEach((r, i) => {
    const s = summaries[i]!;
    for (const name of r.checks) {
      const alone = s.aloneMedian[name]!;
      const inPar = s.inParMedian[name]!;
      out.push(
        `| ${r.project.name} | ${name} | ${sec(alone)} s | ${sec(s.cpuAloneMedian[name]!)} CPU-s | ` +
          `${(s.cpuAloneMedian[name]! / alone).toFixed(2)} | ${sec(inPar)} s | ${(inPar / alone).toFixed(2)}x |`,
      );
    }
  });
  out.push("");
  results.forEach((r, i) => {
    const s = summaries[i]!;
    const noise =
      s.otherCores >= 0.1
        ? ` Other processes kept ${s.otherCores.toFixed(2)} of the ${cores} cores busy on average during these runs, so all times here are inflated by that.`
        : "";
    const head = `- **${r.project.name}**: parallel ${sec(s.parMedian)} s vs ${s.slowest} alone ${sec(s.slowestMs)} s = ${s.ratio.toFixed(2)}x`;
    if (s.ratio <= TARGET_RATIO) {
      out.push(`${head}: target met.${noise}`);
      return;
    }
    const bound = s.cpuMedian / cores;
    const cpuText =
      `the checks need ${sec(s.cpuMedian)} CPU-s per attempt, so on ${cores} cores they take at least ${sec(bound)} s ` +
      `of wall time however they are scheduled (${(bound / s.slowestMs).toFixed(2)}x the slowest check alone)` +
      (bound >= s.slowestMs * TARGET_RATIO
        ? `: CPU contention puts ${TARGET_RATIO}x out of reach on this machine`
        : `, under ${TARGET_RATIO}x, so CPU alone does not explain the whole miss`);
    const slowdowns = r.checks
      .map((n) => `${n} ${sec(s.aloneMedian[n]!)} → ${sec(s.inParMedian[n]!)} s`)
      .join(", ");
    out.push(`${head}: target **missed**. Measured reason: ${cpuText}; side by side each check runs slower (${slowdowns}).${noise}`);
  });
  return out.join("\n");
}
