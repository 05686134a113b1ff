// Command-line parsing and task reading: plain functions that either return a value or throw an
// InputError, so every refusal happens before a model call or a file write.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { InputError } from "./errors.ts";
import { EnvSchema, TaskSchema, type Env, type Task } from "./types.ts";

export const USAGE = `smol-coder: hand a small, checkable coding task to a local model

Usage:
  bun run src/index.ts --workspace PATH [--file task.json] [--strict]
  bun run src/index.ts doctor [--workspace PATH]
  bun run src/index.ts --help | --version

The task is JSON: {"description": "...", "filesOwned": ["src/a.ts", ...]}, read from
--file, or from stdin when no file is given.

Options:
  -w, --workspace PATH   project to change (must have package.json scripts to verify)
  -f, --file PATH        read the task from this file instead of stdin
      --strict           count every verification failure, even ones the workspace had before
  -h, --help             show this help
  -v, --version          print the version

Exit codes: 0 complete, 1 aborted, 2 bad input or config, 3 model server unavailable,
130 interrupted.`;

export interface CliArgs {
  command: "run" | "doctor" | "help" | "version";
  workspace?: string;
  file?: string;
  strict: boolean;
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
        strict: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
  } catch (err) {
    throw new InputError(`${(err as Error).message}\nRun with --help for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: "help", strict: false };
  if (values.version) return { command: "version", strict: false };
  const [sub, ...rest] = positionals;
  if (sub !== undefined && sub !== "doctor") throw new InputError(`unknown command "${sub}"\nRun with --help for usage.`);
  if (rest.length > 0) throw new InputError(`unexpected argument "${rest[0]}"\nRun with --help for usage.`);
  if (sub === "doctor") return { command: "doctor", workspace: values.workspace, strict: false };
  if (!values.workspace) throw new InputError("--workspace PATH is required\nRun with --help for usage.");
  return { command: "run", workspace: values.workspace, file: values.file, strict: values.strict ?? false };
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
  if (text.trim() === "") throw new InputError(`the task from ${origin} is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`the task from ${origin} is not valid JSON: ${(err as Error).message}`);
  }
  const result = TaskSchema.safeParse(json);
  if (!result.success) throw new InputError(`invalid task from ${origin}: ${describeIssues(result.error)}`);
  return result.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}
