// Command-line parsing: a plain function that either returns the parsed flags or throws an
// InputError, so every refusal happens before a model call or a file write.
import { parseArgs } from "node:util";
import { parseVerifyTimeoutMs } from "../core/config-schema.ts";
import { DEFAULT_LIMITS } from "../core/defaults.ts";
import { InputError } from "../core/errors.ts";

export const USAGE = `smol-coder: hand a small, checkable coding task to a local model

Usage:
  bun run src/index.ts --workspace PATH [--file task.json] [options]
  bun run src/index.ts doctor [--workspace PATH]
  bun run src/index.ts --help | --version

The task is JSON: {"description": "...", "filesOwned": ["src/a.ts", ...]}, read from
--file, or from stdin when no file is given. "filesRead": [...] adds files the model is
shown but may not change. A JSON array of tasks, or one task per line
(JSON lines), runs them all in one process under the same limits.

Options:
  -w, --workspace PATH        project to change (its package.json scripts verify each edit)
  -f, --file PATH             read the task(s) from this file instead of stdin
  -c, --config PATH           config file (default: WORKSPACE/smol-coder.config.json if present)
      --strict                count every verification failure, even ones the workspace had before
      --verify-timeout-ms N   timeout for each verify script (default ${DEFAULT_LIMITS.verifyTimeoutMs})
      --result-file PATH      write a JSON summary of the run (per task and totals)
      --dry-run               run the whole loop, then restore the files and print the final diff
      --keep-failed           on abort, leave the last attempt in place for inspection
      --no-checks             run without any verification; the results say "unverified"
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
  /** --no-checks: the user wants no verification and accepts unverified results. */
  noChecks: boolean;
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
        "no-checks": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
  } catch (err) {
    throw new InputError(`${(err as Error).message}\nRun with --help for usage.`);
  }
  const { values, positionals } = parsed;
  const flags = { dryRun: values["dry-run"] ?? false, keepFailed: values["keep-failed"] ?? false, noChecks: values["no-checks"] ?? false };
  if (values.help) return { command: "help", ...flags };
  if (values.version) return { command: "version", ...flags };
  const [sub, ...rest] = positionals;
  if (sub !== undefined && sub !== "doctor") throw new InputError(`unknown command "${sub}"\nRun with --help for usage.`);
  if (rest.length > 0) throw new InputError(`unexpected argument "${rest[0]}"\nRun with --help for usage.`);
  if (sub === "doctor") return { command: "doctor", workspace: values.workspace, ...flags };
  if (!values.workspace) throw new InputError("--workspace PATH is required\nRun with --help for usage.");
  if (flags.dryRun && flags.keepFailed) throw new InputError("--dry-run and --keep-failed cannot be used together");
  const timeoutFlag = values["verify-timeout-ms"];
  return {
    command: "run",
    workspace: values.workspace,
    file: values.file,
    config: values.config,
    strict: values.strict ? true : undefined,
    verifyTimeoutMs: timeoutFlag === undefined ? undefined : parseVerifyTimeoutMs(timeoutFlag),
    resultFile: values["result-file"],
    ...flags,
  };
}
