// The cascade bench's report: a summary per mode, a table per task, and for recorded runs the
// runs that did not end as the recordings imply.
import { TIERS } from "../../orchestrator/src/core/types.ts";
import { percent } from "../lib/format.ts";
import { sum } from "../lib/stats.ts";
import type { JobResult } from "./job.ts";
import type { Mode } from "./modes.ts";
import { expectedOutcome, recordingFor } from "./recorded.ts";
import { EXPECTED_PASS, type ContextSetting } from "./recordings.ts";
import type { BenchTask } from "./suite.ts";

export interface ModeSummary {
  mode: Mode;
  context: ContextSetting;
  tasks: number;
  pass: number;
  complete: number;
  errors: number;
  modelSeconds: number;
  verifySeconds: number;
  tokens: number;
  /** Prompt tokens that went to the context, over every call. */
  contextTokens: number;
  meanAttempts: number;
  /** Recorded runs: the pass count the recordings imply. */
  expectedPass?: number;
}

/** A mode as the tables name it: "fast", or "fast, no context". */
export function runLabel(mode: Mode, context: ContextSetting): string {
  return context === "on" ? mode : `${mode}, no context`;
}

export function summarize(mode: Mode, context: ContextSetting, results: JobResult[], tasks: BenchTask[], recorded: boolean): ModeSummary {
  const mine = results.filter((r) => r.mode === mode && r.context === context);
  const summary: ModeSummary = {
    mode,
    context,
    tasks: mine.length,
    pass: mine.filter((r) => r.pass).length,
    complete: mine.filter((r) => r.status === "complete").length,
    errors: mine.filter((r) => r.status === "error" || r.status === "skipped").length,
    modelSeconds: sum(mine.map((r) => r.modelMs)) / 1000,
    verifySeconds: sum(mine.map((r) => r.verifyMs)) / 1000,
    tokens: sum(mine.map((r) => r.tokens)),
    contextTokens: sum(mine.map((r) => r.contextTokens)),
    meanAttempts: mine.length === 0 ? 0 : sum(mine.map((r) => r.attempts)) / mine.length,
  };
  if (recorded) summary.expectedPass = tasks.filter((t) => expectedOutcome(recordingFor(t), mode, context).pass).length;
  return summary;
}

const pct = (n: number, of: number) => `${n}/${of} (${of === 0 ? "0.0%" : percent(n, of)})`;

export function renderSummaryTable(summaries: ModeSummary[]): string {
  const recorded = summaries.some((s) => s.expectedPass !== undefined);
  const head = ["mode", "pass (hidden tests)", ...(recorded ? ["expected"] : []), "complete (verified)", "model s", "verify s", "tokens", "context tokens", "mean attempts"];
  const rows = summaries.map((s) => [
    runLabel(s.mode, s.context),
    pct(s.pass, s.tasks),
    ...(recorded ? [pct(s.expectedPass ?? 0, s.tasks)] : []),
    `${s.complete}/${s.tasks}`,
    s.modelSeconds.toFixed(2),
    s.verifySeconds.toFixed(1),
    String(s.tokens),
    String(s.contextTokens),
    s.meanAttempts.toFixed(2),
  ]);
  return [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function tierPath(r: JobResult): string {
  const parts = TIERS.filter((t) => r.attemptsByTier[t] > 0).map((t) => `${t[0]}${r.attemptsByTier[t]}`);
  return parts.join(" ") || "-";
}

export function renderTaskTable(results: JobResult[], tasks: BenchTask[], runs: ReadonlyArray<{ mode: Mode; context: ContextSetting }>): string {
  const head = ["task", ...runs.map((r) => runLabel(r.mode, r.context))];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => " --- ").join("|")}|`];
  for (const task of tasks) {
    const cells = runs.map(({ mode, context }) => {
      const r = results.find((x) => x.task === task.id && x.mode === mode && x.context === context);
      if (!r) return "";
      if (r.status === "error" || r.status === "skipped") return `${r.status}`;
      return `${r.pass ? "pass" : "FAIL"}: ${r.status}, ${r.attempts} (${tierPath(r)})`;
    });
    lines.push(`| ${task.id} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Recorded runs: every task's hidden-test result and attempts must be what the recordings imply. */
function recordedMismatches(results: JobResult[], tasks: BenchTask[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const task = tasks.find((t) => t.id === r.task)!;
    const want = expectedOutcome(recordingFor(task), r.mode, r.context);
    const wantStatus = want.complete ? "complete" : "aborted";
    if (r.pass !== want.pass || r.attempts !== want.attempts || r.status !== wantStatus) {
      out.push(
        `${r.task} (${runLabel(r.mode, r.context)}): got ${r.pass ? "pass" : "fail"}, ${r.status}, ${r.attempts} attempts; ` +
          `recordings imply ${want.pass ? "pass" : "fail"}, ${wantStatus}, ${want.attempts} attempts${r.message ? ` (${r.message})` : ""}`,
      );
    }
  }
  return out;
}

/**
 * Recorded runs: everything that did not go as the recordings imply, from the runs, the
 * requests no recording matched and, for a run of the whole suite in every mode, the pass
 * counts written in recordings.ts.
 */
export function recordedProblems(results: JobResult[], tasks: BenchTask[], summaries: ModeSummary[], unmatched: string[], wholeSuite: boolean): string[] {
  const problems = recordedMismatches(results, tasks);
  problems.push(...unmatched.map((u) => `unmatched model request: ${u}`));
  if (wholeSuite) {
    for (const s of summaries) {
      const written = EXPECTED_PASS[s.context][s.mode];
      if (s.expectedPass !== written) problems.push(`${runLabel(s.mode, s.context)}: recordings.ts says ${written} passes, the recordings imply ${s.expectedPass}`);
    }
  }
  return problems;
}
