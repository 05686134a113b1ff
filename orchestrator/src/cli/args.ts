// Command-line parsing: a plain function that either returns the parsed flags or throws an
// InputError, so every refusal happens before a model call or a file write. It loads no schema
// library: --help and --version go through here and should cost little more than bun itself.
import { parseArgs } from "node:util";
import { DEFAULT_LIMITS, ENV_DEFAULTS, OLLAMA_DEFAULT_URL } from "../core/defaults.ts";
import { InputError } from "../core/errors.ts";
import { parseVerifyTimeoutMs } from "../core/verify-timeout.ts";
import { closest } from "./closest.ts";

const OPTIONS = {
  workspace: { type: "string", short: "w" },
  file: { type: "string", short: "f" },
  config: { type: "string", short: "c" },
  strict: { type: "boolean", default: false },
  "verify-timeout-ms": { type: "string" },
  "result-file": { type: "string" },
  "dry-run": { type: "boolean", default: false },
  "keep-failed": { type: "boolean", default: false },
  "no-checks": { type: "boolean", default: false },
  commit: { type: "boolean", default: false },
  "no-commit": { type: "boolean", default: false },
  "commit-dirty": { type: "boolean", default: false },
  branch: { type: "string" },
  resume: { type: "string" },
  "restore-journal": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", short: "v", default: false },
} as const;

const COMMANDS = ["doctor", "schema"] as const;

export const USAGE = `smol-coder: hand a small, checkable coding task to a local model

Usage:
  smol-coder --workspace PATH [--file task.json] [options]
  smol-coder doctor [--workspace PATH] [--config PATH]
  smol-coder schema            print the config file's JSON Schema
  smol-coder --help | --version

The task is JSON: {"description": "...", "filesOwned": ["src/a.ts", ...]}, read from
--file, or from stdin when no file is given. "filesRead": [...] adds files the model is
shown but may not change. A JSON array of tasks, or one task per line
(JSON lines), runs them all in one process under the same limits.

Example:
  echo '{"description": "Add a Card component with a title prop", "filesOwned": ["src/components/Card.tsx"]}' \\
    | smol-coder --workspace ~/code/my-app

Options:
  -w, --workspace PATH        project to change (its package.json scripts verify each edit)
  -f, --file PATH             read the task(s) from this file instead of stdin
  -c, --config PATH           config file (default: WORKSPACE/smol-coder.config.json if present)
      --strict                count every verification failure, even ones the workspace had before
      --verify-timeout-ms N   timeout for each verify script (default ${DEFAULT_LIMITS.verifyTimeoutMs})
      --result-file PATH      write a JSON summary of the run (per task and totals)
      --dry-run               run the whole loop, then restore the owned files and print the final
                              diff; the checks still run, so a build script still rewrites dist/
      --keep-failed           on abort, leave the last attempt in place for inspection
      --no-checks             run without any verification; the results say "unverified"
      --commit                commit each completed task: one commit holding exactly its files
      --no-commit             do not commit, whatever git.commit in the config file says
      --commit-dirty          with --commit: commit the owned files' uncommitted changes first
                              (otherwise such a file is refused)
      --branch NAME           work and commit on branch NAME (made from HEAD if missing) in a
                              worktree of its own; your branch and files stay as they are
      --resume RESULT_FILE    run only the tasks that file's run did not complete; the result
                              is written back to it (or to --result-file)
      --restore-journal       put back the files an earlier, killed run left, even where they
                              changed since (see "What is restored" in the README)
  -h, --help                  show this help
  -v, --version               print the version

Environment:
  LITELLM_URL                 the proxy's OpenAI-compatible base URL (${ENV_DEFAULTS.LITELLM_URL})
  LITELLM_API_KEY             the proxy's key (${ENV_DEFAULTS.LITELLM_API_KEY})
  LOG_LEVEL                   level of the lines on stdout (${ENV_DEFAULTS.LOG_LEVEL}); the log file keeps debug
  NODE_ENV                    production: JSON on stdout even on a terminal
  VERIFY_TIMEOUT_MS           timeout for each verify script (${ENV_DEFAULTS.VERIFY_TIMEOUT_MS})
  MODEL_TIMEOUT_MS            bound on one model call (${ENV_DEFAULTS.MODEL_TIMEOUT_MS})
  MODEL_STALL_TIMEOUT_MS      longest silence inside a streamed reply (${ENV_DEFAULTS.MODEL_STALL_TIMEOUT_MS})
  MODEL_MAX_RETRIES           retries for connection errors, 5xx and 408 (${ENV_DEFAULTS.MODEL_MAX_RETRIES})
  SMOL_MODEL_FAST, SMOL_MODEL_DEEP, SMOL_MODEL_REVIEWER
                              model name per tier (to talk to Ollama directly)
  SMOL_STATE_DIR              slot leases, cached baselines and logs ($XDG_CACHE_HOME/smol-coder
                              or ~/.cache/smol-coder)
  SMOL_LOG_DIR                run logs (SMOL_STATE_DIR/logs)
  OLLAMA_API_BASE             where doctor looks for Ollama itself (${OLLAMA_DEFAULT_URL})
  SMOL_WARM_DEFER_MS          how long a call for a cold tier waits for a busy one (${ENV_DEFAULTS.SMOL_WARM_DEFER_MS})
  GITHUB_STEP_SUMMARY         append a markdown summary of the run to this file

Exit codes: 0 complete, 1 aborted, 2 bad input, config or workspace, 3 model server
unavailable, 130 interrupted by SIGINT, 143 by SIGTERM, 129 by SIGHUP.`;

export interface CliArgs {
  command: "run" | "doctor" | "schema" | "help" | "version";
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
  /** true for --commit (or --branch, --commit-dirty), false for --no-commit, undefined for the config's say. */
  commit?: boolean;
  commitDirty: boolean;
  branch?: string;
  resume?: string;
  /** --restore-journal: an earlier run's originals go back even over files changed since. */
  restoreJournal: boolean;
}

const SEE_HELP = "Run smol-coder --help for usage.";

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    throw new InputError(`${explainParseError(err as Error & { code?: string })}\n${SEE_HELP}`);
  }
  const { values, positionals } = parsed;
  const flags = {
    dryRun: values["dry-run"] ?? false,
    keepFailed: values["keep-failed"] ?? false,
    noChecks: values["no-checks"] ?? false,
    commitDirty: values["commit-dirty"] ?? false,
    restoreJournal: values["restore-journal"] ?? false,
  };
  if (values.help) return { command: "help", ...flags };
  if (values.version) return { command: "version", ...flags };
  const [sub, ...rest] = positionals;
  if (sub !== undefined && !(COMMANDS as readonly string[]).includes(sub)) {
    throw new InputError(`unknown command "${sub}"; did you mean ${closest(sub, COMMANDS)}?\n${SEE_HELP}`);
  }
  if (rest.length > 0) throw new InputError(`unexpected argument "${rest[0]}"\n${SEE_HELP}`);
  if (sub === "doctor") return { command: "doctor", workspace: values.workspace, config: values.config, ...flags };
  if (sub === "schema") return { command: "schema", ...flags };
  if (!values.workspace) throw new InputError(`--workspace PATH is required\n${SEE_HELP}`);
  if (flags.dryRun && flags.keepFailed) throw new InputError("--dry-run and --keep-failed cannot be used together");
  const timeoutFlag = values["verify-timeout-ms"];
  const branch = values.branch?.trim();
  if (values.branch !== undefined && !branch) throw new InputError("--branch needs a branch name");
  if (values.resume !== undefined && !values.resume.trim()) throw new InputError("--resume needs the result file of the earlier run");
  return {
    command: "run",
    workspace: values.workspace,
    file: values.file,
    config: values.config,
    strict: values.strict ? true : undefined,
    verifyTimeoutMs: timeoutFlag === undefined ? undefined : parseVerifyTimeoutMs(timeoutFlag),
    resultFile: values["result-file"],
    ...flags,
    commit: commitChoice(values.commit ?? false, values["no-commit"] ?? false, branch, flags.commitDirty, flags.keepFailed),
    branch,
    resume: values.resume,
  };
}

/** --branch and --commit-dirty commit by their nature; --no-commit says the opposite. */
function commitChoice(commit: boolean, noCommit: boolean, branch: string | undefined, commitDirty: boolean, keepFailed: boolean): boolean | undefined {
  if (noCommit && commit) throw new InputError("--commit and --no-commit cannot be used together");
  if (noCommit && branch) throw new InputError("--branch commits each task on that branch; it cannot be used with --no-commit");
  if (noCommit && commitDirty) throw new InputError("--commit-dirty cannot be used with --no-commit");
  // The branch's worktree is removed at the end, and a failed attempt kept there would go with it.
  if (branch && keepFailed) throw new InputError("--keep-failed cannot be used with --branch: the branch's work happens in a worktree that is removed at the end");
  if (commit || branch || commitDirty) return true;
  return noCommit ? false : undefined;
}

/** The flags a user can type, long and short, for suggestions. */
const FLAG_NAMES: string[] = Object.entries(OPTIONS).flatMap(([name, o]) => ("short" in o ? [`--${name}`, `-${o.short}`] : [`--${name}`]));

/**
 * node's parser speaks of positional arguments, which this tool does not take; say instead
 * which flag was wrong and what was probably meant.
 */
function explainParseError(err: Error & { code?: string }): string {
  const quoted = /'(-[^']*)'/.exec(err.message)?.[1];
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted) {
    const flag = quoted.split("=")[0]!;
    return `unknown option "${flag}"; did you mean ${closest(flag, FLAG_NAMES)}?`;
  }
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const long = /--[a-z-]+/.exec(err.message)?.[0];
    if (long && /does not take an argument/.test(err.message)) return `${long} takes no value`;
    if (long) return `${long} needs a value${/ambiguous/.test(err.message) ? ` (the next argument starts with "-")` : ""}`;
  }
  return err.message;
}
