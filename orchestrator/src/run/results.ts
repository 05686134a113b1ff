// The run's result for machines (--result-file) and for people reading a CI run
// (GITHUB_STEP_SUMMARY). The schema is zod, so the document is checked before it is written.
import { appendFile, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { TIERS, TierSchema } from "../core/types.ts";
import { OUTCOMES, TASK_STATUSES } from "../task/outcomes.ts";

const Tokens = z.object({ prompt: z.number().int().min(0), completion: z.number().int().min(0), total: z.number().int().min(0) });
const PerTier = <T extends z.ZodType>(t: T) => z.object({ fast: t, deep: t, reviewer: t });

export const TaskResultSchema = z.object({
  taskId: z.string(),
  description: z.string(),
  filesOwned: z.array(z.string()),
  /** The task's read-only files (filesRead); empty when it has none. */
  filesRead: z.array(z.string()),
  status: z.enum(TASK_STATUSES),
  /** False when the task ran without any check (--no-checks, or verify.scripts: []). */
  verified: z.boolean(),
  attempts: z.number().int().min(0),
  attemptsByTier: PerTier(z.number().int().min(0)),
  finalTier: TierSchema,
  filesChanged: z.array(z.string()),
  /** The diff that was kept (or, with --dry-run, that would be); null when nothing was kept. */
  diff: z.string().nullable(),
  tokens: Tokens,
  tokensByTier: PerTier(Tokens),
  durationMs: z.number().int().min(0),
  message: z.string().nullable(),
});

export const ResultFileSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  workspace: z.string(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  dryRun: z.boolean(),
  tasks: z.array(TaskResultSchema),
  totals: z.object({
    tasks: z.number().int(),
    complete: z.number().int(),
    /** Complete tasks that no check verified. */
    unverified: z.number().int(),
    aborted: z.number().int(),
    failed: z.number().int(),
    attempts: z.number().int(),
    attemptsByTier: PerTier(z.number().int().min(0)),
    tokens: Tokens,
    tokensByTier: PerTier(Tokens),
    wallMs: z.number().int().min(0),
  }),
});
export type TaskResult = z.infer<typeof TaskResultSchema>;
export type ResultFile = z.infer<typeof ResultFileSchema>;

export function totalsOf(tasks: readonly TaskResult[], wallMs: number): ResultFile["totals"] {
  const zero = () => ({ prompt: 0, completion: 0, total: 0 });
  const tokensByTier = { fast: zero(), deep: zero(), reviewer: zero() };
  const attemptsByTier = { fast: 0, deep: 0, reviewer: 0 };
  const tokens = zero();
  for (const t of tasks) {
    for (const tier of TIERS) {
      attemptsByTier[tier] += t.attemptsByTier[tier];
      for (const k of ["prompt", "completion", "total"] as const) {
        tokensByTier[tier][k] += t.tokensByTier[tier][k];
        tokens[k] += t.tokensByTier[tier][k];
      }
    }
  }
  return {
    tasks: tasks.length,
    complete: tasks.filter((t) => OUTCOMES[t.status].tally === "complete").length,
    unverified: tasks.filter((t) => OUTCOMES[t.status].tally === "complete" && !t.verified).length,
    aborted: tasks.filter((t) => OUTCOMES[t.status].tally === "aborted").length,
    failed: tasks.filter((t) => OUTCOMES[t.status].tally === "failed").length,
    attempts: tasks.reduce((n, t) => n + t.attempts, 0),
    attemptsByTier,
    tokens,
    tokensByTier,
    wallMs,
  };
}

export async function writeResultFile(file: string, result: ResultFile): Promise<void> {
  const checked = ResultFileSchema.parse(result);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(checked, null, 2)}\n`);
  await rename(tmp, file);
}

/** A short markdown summary, the shape GitHub renders on the run's page. */
export function renderStepSummary(result: ResultFile): string {
  const t = result.totals;
  const lines = [
    `### smol-coder: ${t.complete} of ${t.tasks} task${t.tasks === 1 ? "" : "s"} complete${t.unverified > 0 ? ` (${t.unverified} unverified)` : ""}${result.dryRun ? " (dry run)" : ""}`,
    "",
    "| task | status | attempts | final tier | tokens | files |",
    "| --- | --- | ---: | --- | ---: | --- |",
    ...result.tasks.map(
      (task) =>
        `| ${escapeCell(shorten(task.description, 60))} | ${statusCell(task)} | ${task.attempts} | ${task.finalTier} | ${task.tokens.total} | ${escapeCell(task.filesChanged.join(", ") || "-")} |`,
    ),
    "",
    `Attempts by tier: fast ${t.attemptsByTier.fast}, deep ${t.attemptsByTier.deep}, reviewer ${t.attemptsByTier.reviewer}. ` +
      `Tokens: ${t.tokens.total}. Wall time: ${(t.wallMs / 1000).toFixed(1)} s.`,
    "",
  ];
  return lines.join("\n");
}

export async function appendStepSummary(file: string, result: ResultFile): Promise<void> {
  await appendFile(file, renderStepSummary(result));
}

/** "complete (unverified)" for a task no check looked at: a reader must not take it for a checked one. */
function statusCell(task: TaskResult): string {
  return task.status === "complete" && !task.verified ? "complete (unverified)" : task.status;
}

function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}
