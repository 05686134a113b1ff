// Command-line parsing and task reading: plain functions that either return a value or throw an
// InputError, so every refusal happens before a model call or a file write.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { InputError } from "../core/errors.ts";
import { EnvSchema, TaskSchema, type Env, type Task } from "../core/types.ts";

export const USAGE = `smol-coder: hand a small, checkable coding task to a local model

Usage:
  bun run src/index.ts --workspace PATH [--file task.json] [options]
  bun run src/index.ts doctor [--workspace PATH]
  bun run src/index.ts --help | --version

The task is JSON: {"description": "...", "filesOwned": ["src/a.ts", ...]}, read from
--file, or from stdin when no file is given. A JSON array of tasks, or one task per line
(JSON lines), runs them all in one process under the same limits.

Options:
  -w, --workspace PATH        project to change (its package.json scripts verify each edit)
  -f, --file PATH             read the task(s) from this file instead of stdin
  -c, --config PATH           config file (default: WORKSPACE/smol-coder.config.json if present)
      --strict                count every verification failure, even ones the workspace had before
      --verify-timeout-ms N   timeout for each verify script (default 60000)
      --result-file PATH      write a JSON summary of the run (per task and totals)
      --dry-run               run the whole loop, then restore the files and print the final diff
      --keep-failed           on abort, leave the last attempt in place for inspection
  -h, --help                  show this help
  -v, --version               print the version

Exit codes: 0 complete, 1 aborted, 2 bad input or config, 3 model server unavailable,
130 interrupted.`;

export interface CliArgs {
  command: "run" | "doctor" | "help" | "version";
  workspace?: string;
  file?: string;
  config?: string;
  /** Only true when --strict was given, so the config file's setting is not overridden. */
  strict?: true;
  verifyTimeoutMs?: number;
  resultFile?: string;
  dryRun: boolean;
  keepFailed: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        workspace: { type: "string", short: "w" },
        file: { type: "string", short: "f" },
        config: { type: "string", short: "c" },
        strict: { type: "boolean", default: false },
        "verify-timeout-ms": { type: "string" },
        "result-file": { type: "string" },
        "dry-run": { type: "boolean", default: false },
        "keep-failed": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
  } catch (err) {
    throw new InputError(`${(err as Error).message}\nRun with --help for usage.`);
  }
  const { values, positionals } = parsed;
  const flags = { dryRun: values["dry-run"] ?? false, keepFailed: values["keep-failed"] ?? false };
  if (values.help) return { command: "help", ...flags };
  if (values.version) return { command: "version", ...flags };
  const [sub, ...rest] = positionals;
  if (sub !== undefined && sub !== "doctor") throw new InputError(`unknown command "${sub}"\nRun with --help for usage.`);
  if (rest.length > 0) throw new InputError(`unexpected argument "${rest[0]}"\nRun with --help for usage.`);
  if (sub === "doctor") return { command: "doctor", workspace: values.workspace, ...flags };
  if (!values.workspace) throw new InputError("--workspace PATH is required\nRun with --help for usage.");
  if (flags.dryRun && flags.keepFailed) throw new InputError("--dry-run and --keep-failed cannot be used together");
  return {
    command: "run",
    workspace: values.workspace,
    file: values.file,
    config: values.config,
    strict: values.strict ? true : undefined,
    verifyTimeoutMs: parseWholeNumber(values["verify-timeout-ms"], "--verify-timeout-ms"),
    resultFile: values["result-file"],
    ...flags,
  };
}

function parseWholeNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`${flag} takes a whole number of milliseconds, not "${text}"`);
  return n;
}

export function parseEnv(env: Record<string, string | undefined>): Env {
  // Empty strings count as unset, the way shells and compose files tend to pass them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) throw new InputError(`bad environment: ${describeIssues(result.error)}`);
  return result.data;
}

export interface TaskSource {
  file?: string;
  stdin: { isTTY?: boolean; text(): Promise<string> };
}

export async function readTaskText(source: TaskSource): Promise<string> {
  if (source.file) {
    try {
      return await readFile(source.file, "utf8");
    } catch (err) {
      throw new InputError(`cannot read task file ${source.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (source.stdin.isTTY) throw new InputError("no task given: pipe task JSON on stdin or pass --file task.json");
  return source.stdin.text();
}

export function parseTask(text: string, origin: string): Task {
  const tasks = parseTasks(text, origin);
  if (tasks.length !== 1) throw new InputError(`expected one task from ${origin}, found ${tasks.length}`);
  return tasks[0]!;
}

/**
 * One task (a JSON object), many (a JSON array), or one per line (JSON lines). Every task is
 * checked before any runs, so a typo in task 7 does not leave tasks 1 to 6 half done.
 */
export function parseTasks(text: string, origin: string): Task[] {
  if (text.trim() === "") throw new InputError(`the task from ${origin} is empty`);
  let items: unknown[];
  try {
    const json: unknown = JSON.parse(text);
    items = Array.isArray(json) ? json : [json];
  } catch (err) {
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    if (lines.length < 2) throw new InputError(`the task from ${origin} is not valid JSON: ${(err as Error).message}`);
    items = lines.map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (lineErr) {
        throw new InputError(`line ${i + 1} of ${origin} is not valid JSON: ${(lineErr as Error).message}`);
      }
    });
  }
  if (items.length === 0) throw new InputError(`no tasks in ${origin}`);
  return items.map((item, i) => {
    const result = TaskSchema.safeParse(item);
    if (result.success) return result.data;
    const which = items.length === 1 ? "" : ` (task ${i + 1})`;
    throw new InputError(`invalid task from ${origin}${which}: ${describeIssues(result.error)}`);
  });
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}
