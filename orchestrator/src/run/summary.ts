// The run for people: the markdown GitHub shows on a CI run's page (GITHUB_STEP_SUMMARY) and the
// body of the Action's pull request. Both read the result document, so they say what it says.
import { appendFile } from "node:fs/promises";
import type { ResultFile, TaskResult } from "./results.ts";

/** One column of a task table: its header, whether it holds numbers (right-aligned), its cell. */
type Column = [header: string, numeric: boolean, cell: (task: TaskResult) => string | number];

const TASK = (task: TaskResult) => escapeCell(shorten(task.description, 60));

/** The run's headline and one row per task, in the columns given. */
function taskTable(result: ResultFile, columns: readonly Column[]): string[] {
  return [
    `### smol-coder: ${headline(result)}`,
    "",
    `| ${columns.map(([h]) => h).join(" | ")} |`,
    `| ${columns.map(([, numeric]) => (numeric ? "---:" : "---")).join(" | ")} |`,
    ...result.tasks.map((task) => `| ${columns.map(([, , cell]) => cell(task)).join(" | ")} |`),
    "",
  ];
}

/** A short markdown summary, the shape GitHub renders on the run's page. */
export function renderStepSummary(result: ResultFile): string {
  const t = result.totals;
  const lines = [
    ...taskTable(result, [
      ["task", false, TASK],
      ["status", false, statusCell],
      ["attempts", true, (task) => task.attempts],
      ["final tier", false, (task) => task.finalTier],
      ["tokens", true, (task) => task.tokens.total],
      ["files", false, (task) => escapeCell(task.filesChanged.join(", ") || "-")],
    ]),
    `Attempts by tier: fast ${t.attemptsByTier.fast}, deep ${t.attemptsByTier.deep}, reviewer ${t.attemptsByTier.reviewer}. ` +
      `Tokens: ${t.tokens.total}. Wall time: ${(t.wallMs / 1000).toFixed(1)} s.`,
    "",
  ];
  return lines.join("\n");
}

export async function appendStepSummary(file: string, result: ResultFile): Promise<void> {
  await appendFile(file, renderStepSummary(result));
}

/** The pull request's title: the task itself for one task, a count for a batch. */
export function pullRequestTitle(result: ResultFile): string {
  if (result.tasks.length === 1) return `smol-coder: ${shorten(result.tasks[0]!.description, 60)}`;
  return `smol-coder: ${result.tasks.length} tasks`;
}

/** The pull request's body: one row per task with its commit, and the commit the run started from. */
export function renderPullRequestBody(result: ResultFile): string {
  const lines = [
    ...taskTable(result, [
      ["task", false, TASK],
      ["status", false, statusCell],
      ["tier", false, (task) => task.finalTier],
      ["attempts", true, (task) => task.attempts],
      ["tokens", true, (task) => task.tokens.total],
      ["commit", false, (task) => (task.commit ? task.commit.sha.slice(0, 12) : "-")],
    ]),
    `Base commit: ${result.baseCommit ?? "-"}. Branch: ${result.branch ?? "-"}. Run: ${result.runId}.`,
    "",
    "Every commit holds one task's files only; its message ends in trailers (Smol-Task-Id, Smol-Final-Tier, Smol-Attempts, Smol-Tokens).",
    "",
  ];
  return lines.join("\n");
}

function headline(result: ResultFile): string {
  const t = result.totals;
  const done = t.complete + t.skipped;
  const notes = [
    t.unverified > 0 ? `${t.unverified} unverified` : null,
    t.skipped > 0 ? `${t.skipped} from an earlier run` : null,
  ].filter(Boolean);
  return `${done} of ${t.tasks} task${t.tasks === 1 ? "" : "s"} complete${notes.length ? ` (${notes.join(", ")})` : ""}${result.dryRun ? " (dry run)" : ""}`;
}

/** "complete (unverified)" for a task no check looked at: a reader must not take it for a checked one. */
function statusCell(task: TaskResult): string {
  return (task.status === "complete" || task.status === "skipped") && !task.verified ? `${task.status} (unverified)` : task.status;
}

function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}
