// The apply benchmark's output: markdown tables for RESULTS.md, or JSON per case for a test.
import { percent } from "../lib/format.ts";
import type { BenchCase } from "./cases.ts";
import type { Outcome, Results } from "./scoring.ts";

const pct = (n: number, d: number) => (d === 0 ? "-" : percent(n, d));

/** A `+crlf` or `+no-eol` variant is counted under its base kind. */
const baseKind = (kind: string) => kind.replace(/\+(crlf|no-eol)$/, "");

/** "exact (N wrong)" for a group of cases. */
function exactCell(r: Map<string, Outcome>, ks: readonly BenchCase[]): string {
  const exact = ks.filter((c) => r.get(c.id) === "exact").length;
  const wrong = ks.filter((c) => r.get(c.id) === "wrong").length;
  return `${exact}${wrong ? ` (${wrong} wrong)` : ""}`;
}

export function toolTable(results: Results, cases: readonly BenchCase[]): string[] {
  const lines = ["| tool | exact | refused | wrong apply |", "|---|---|---|---|"];
  for (const [name, r] of results) {
    const count = (o: Outcome) => [...r.values()].filter((x) => x === o).length;
    lines.push(`| ${name} | ${count("exact")} (${pct(count("exact"), cases.length)}) | ${count("refused")} | ${count("wrong")} |`);
  }
  return lines;
}

/** Exact counts per perturbation kind and tool, then the CRLF and no-newline variants totalled. */
export function kindTable(results: Results, cases: readonly BenchCase[]): string[] {
  const names = [...results.keys()];
  const row = (label: string, ks: readonly BenchCase[]) => `| ${label} | ${ks.length} | ${names.map((n) => exactCell(results.get(n)!, ks)).join(" | ")} |`;
  const lines = [`| kind | n | ${names.join(" | ")} |`, `|---|---|${names.map(() => "---").join("|")}|`];
  for (const k of new Set(cases.map((c) => baseKind(c.kind)))) lines.push(row(k, cases.filter((c) => baseKind(c.kind) === k)));
  for (const variant of ["crlf", "no-eol"]) {
    lines.push(row(`(any)+${variant}`, cases.filter((c) => c.kind.endsWith(`+${variant}`) || c.kind.endsWith(`+${variant}-tail`))));
  }
  return lines;
}

/** How often planEdit chose each strategy or refusal reason, most frequent first. */
export function verdictLine(cases: readonly BenchCase[], verdicts: ReadonlyMap<string, string>): string {
  const tally = new Map<string, number>();
  for (const c of cases) {
    const v = verdicts.get(c.id) ?? "threw";
    tally.set(v, (tally.get(v) ?? 0) + 1);
  }
  return `planEdit verdicts: ${[...tally].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(", ")}`;
}

/** Why a case must be refused, from how the generator made it (null: it must be applied). */
export function refusalCause(c: BenchCase): string | null {
  if (c.expected !== null) return null;
  if (c.kind.startsWith("truncated")) return "truncated";
  if (c.kind.startsWith("elision")) return "elided code";
  if (c.edit.includes("(placement lost)")) return "ambiguous: a blank line left out next to added lines or between removed ones";
  if (c.edit.includes("(quoted lines match another place)")) return "ambiguous: quoted lines match another place exactly, the header's only loosely";
  if (c.edit.includes("(context occurs twice)") || c.kind.startsWith("ambiguous-")) return "ambiguous: repeated context, headers and order do not decide";
  return "other";
}

/**
 * planEdit's refusals by why the case must be refused (the generator's ground truth), with the
 * reasons planEdit gave; then the cases it refused that it should have applied, by id.
 */
export function refusalTable(r: ReadonlyMap<string, Outcome>, cases: readonly BenchCase[], verdicts: ReadonlyMap<string, string>): string[] {
  const lines = ["| must be refused because | cases | planEdit refused | planEdit's reasons |", "|---|---|---|---|"];
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) {
    const why = refusalCause(c);
    if (why !== null) groups.set(why, [...(groups.get(why) ?? []), c]);
  }
  const reasons = (ks: readonly BenchCase[]) => {
    const t = new Map<string, number>();
    for (const c of ks) t.set(verdicts.get(c.id) ?? "threw", (t.get(verdicts.get(c.id) ?? "threw") ?? 0) + 1);
    return [...t].map(([v, n]) => `${v} ${n}`).join(", ");
  };
  for (const [why, ks] of groups) lines.push(`| ${why} | ${ks.length} | ${ks.filter((c) => r.get(c.id) === "exact").length} | ${reasons(ks)} |`);
  const wrongRefusals = cases.filter((c) => c.expected !== null && r.get(c.id) === "refused");
  lines.push(`| (must be applied, but refused) | ${wrongRefusals.length} | ${wrongRefusals.length} | ${reasons(wrongRefusals) || "-"} |`);
  for (const c of wrongRefusals) lines.push(`- refused but must apply: ${c.id} ${c.kind}: ${verdicts.get(c.id)}`);
  return lines;
}

/** Every case with each tool's outcome, for a caller that checks them (the orchestrator's test). */
export function jsonReport(results: Results, cases: readonly BenchCase[], seed: number, hash: string, verdicts: ReadonlyMap<string, string>) {
  return {
    corpus: { cases: cases.length, mustRefuse: cases.filter((c) => c.expected === null).length, seed, hash },
    cases: cases.map((c) => ({
      id: c.id,
      edit: c.edit,
      kind: c.kind,
      mustRefuse: c.expected === null,
      refusalCause: refusalCause(c),
      verdict: verdicts.get(c.id) ?? null,
      largestFileChars: Math.max(0, ...Object.values(c.before).map((v) => v?.length ?? 0)),
      outcomes: Object.fromEntries([...results].map(([name, r]) => [name, r.get(c.id)!])),
    })),
  };
}
