// The run's result for machines (--result-file), and what --resume reads back. The schema is
// zod, so the document is checked before it is written and when it is read.
import { constants } from "node:fs";
import { access, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { InputError, readErrorText } from "../core/errors.ts";
import { TIERS, TierSchema } from "../core/types.ts";
import { issueLines } from "../core/zod-issues.ts";
import { OUTCOMES, TASK_STATUSES } from "../task/outcomes.ts";

const Tokens = z.object({ prompt: z.number().int().min(0), completion: z.number().int().min(0), total: z.number().int().min(0) });
const PerTier = <T extends z.ZodType>(t: T) => z.object({ fast: t, deep: t, reviewer: t });
const Sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "a full commit id");

export const TaskResultSchema = z.object({
  taskId: z.string(),
  description: z.string(),
  filesOwned: z.array(z.string()),
  /** The task's read-only files (filesRead); empty when it has none (or, read back, written before the field was). */
  filesRead: z.array(z.string()).default([]),
  status: z.enum(TASK_STATUSES),
  /** False when the task ran without any check (--no-checks, or verify.scripts: []). */
  verified: z.boolean(),
  /** --dry-run: the files were put back; filesChanged is empty and diff is what would have been kept. */
  dryRun: z.boolean(),
  /** --keep-failed left this aborted task's last attempt in place: filesChanged and diff say what. */
  keptFailed: z.boolean(),
  attempts: z.number().int().min(0),
  attemptsByTier: PerTier(z.number().int().min(0)),
  finalTier: TierSchema,
  /** The files changed as they stay in the workspace (none after a dry run). */
  filesChanged: z.array(z.string()),
  /** The diff that was kept (or, with --dry-run, that would be); null when nothing was kept. */
  diff: z.string().nullable(),
  tokens: Tokens,
  tokensByTier: PerTier(Tokens),
  durationMs: z.number().int().min(0),
  message: z.string().nullable(),
  /** The task's commit (--commit), or, for a skipped task, the commit of the run that did it. */
  commit: z.object({ sha: Sha, branch: z.string() }).nullable(),
  /** What --resume matches a task by: its content, and its owned files as the task left them. */
  fingerprint: z.object({ task: z.string(), files: z.record(z.string(), z.string().nullable()) }),
});

export const ResultFileSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  workspace: z.string(),
  startedAt: z.string().datetime(),
  /** Null while the run is still going; a file that stays so was left by a run that was killed. */
  finishedAt: z.string().datetime().nullable(),
  dryRun: z.boolean(),
  /** The commit the run started from (with --branch, the branch's); null outside a git repository. */
  baseCommit: Sha.nullable(),
  /** The branch the run committed to; null when it did not commit. */
  branch: z.string().nullable(),
  /** The tasks that have ended, in the batch's order (all of them once finishedAt is set). */
  tasks: z.array(TaskResultSchema),
  totals: z.object({
    tasks: z.number().int(),
    complete: z.number().int(),
    /** Complete tasks that no check verified. */
    unverified: z.number().int(),
    /** Completed in an earlier run (--resume). */
    skipped: z.number().int(),
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
  const tally = (kind: string) => tasks.filter((t) => OUTCOMES[t.status].tally === kind);
  return {
    tasks: tasks.length,
    complete: tally("complete").length,
    unverified: tally("complete").filter((t) => !t.verified).length,
    skipped: tally("skipped").length,
    aborted: tally("aborted").length,
    failed: tally("failed").length,
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
  try {
    await writeFile(tmp, `${JSON.stringify(checked, null, 2)}\n`);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Why `file` cannot take the result document, or null. Checked before the run, so a typo in
 * --result-file does not cost a run whose result is then lost.
 */
export async function resultFileProblem(file: string): Promise<string | null> {
  const abs = path.resolve(file);
  const info = await stat(abs).catch(() => null);
  if (info?.isDirectory()) return `--result-file ${file} is a folder; give the path of a file (for example ${path.join(file, "result.json")})`;
  if (info && !info.isFile()) return `--result-file ${file} is not a regular file`;
  let folder = path.dirname(abs);
  for (;;) {
    const dir = await stat(folder).catch(() => null);
    if (dir && !dir.isDirectory()) return `--result-file ${file} cannot be created: ${folder} is not a folder`;
    if (dir || path.dirname(folder) === folder) break;
    folder = path.dirname(folder);
  }
  const denied = async (p: string) => access(p, constants.W_OK).then(() => null, (err: NodeJS.ErrnoException) => err.code ?? "EACCES");
  const code = (await denied(folder)) ?? (info ? await denied(abs) : null);
  return code ? `--result-file ${file} cannot be written (${code}${code === "EACCES" ? ", permission denied" : code === "EPERM" ? ", operation not permitted: immutable?" : ""})` : null;
}

/**
 * Writes the result file after every task and at the end. Writes go one after another (they
 * share a temp file), and a write that waits is replaced by the newest, which holds more.
 */
export function createResultWriter(file: string): { write(result: ResultFile): Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  let latest: ResultFile | null = null;
  return {
    write(result) {
      latest = result;
      chain = chain.then(async () => {
        const next = latest;
        latest = null;
        if (next) await writeResultFile(file, next);
      });
      return chain;
    },
  };
}

/** The result file of an earlier run (--resume), checked against the schema. */
export async function readResultFile(file: string, flag = "--resume"): Promise<ResultFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new InputError(`cannot read the result file ${file} (${flag}): ${readErrorText(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file} (${flag}) is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ResultFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(`${file} (${flag}) is not a smol-coder result file:\n${issueLines(parsed.error, "json").map((l) => `${file}: ${l}`).join("\n")}`);
  }
  return parsed.data;
}
