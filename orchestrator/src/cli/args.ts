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
--file, or from stdin when no file is given. A JSON array of tasks, or one task per line
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

Exit codes: 0 complete, 1 aborted, 2 bad input, config or workspace, 3 model server
unavailable, 130 interrupted by SIGINT, 143 by SIGTERM.`;

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
  /** true for --commit (or --branch, --commit-dirty), false for --no-commit, undefined for the config's say. */
  commit?: boolean;
  commitDirty: boolean;
  branch?: string;
  resume?: string;
  /** --restore-journal: an earlier run's originals go back even over files changed since. */
  restoreJournal: boolean;
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
        commit: { type: "boolean", default: false },
        "no-commit": { type: "boolean", default: false },
        "commit-dirty": { type: "boolean", default: false },
        branch: { type: "string" },
        resume: { type: "string" },
        "restore-journal": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
  } catch (err) {
    throw new InputError(`${(err as Error).message}\nRun with --help for usage.`);
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
  if (sub !== undefined && sub !== "doctor") throw new InputError(`unknown command "${sub}"\nRun with --help for usage.`);
  if (rest.length > 0) throw new InputError(`unexpected argument "${rest[0]}"\nRun with --help for usage.`);
  if (sub === "doctor") return { command: "doctor", workspace: values.workspace, ...flags };
  if (!values.workspace) throw new InputError("--workspace PATH is required\nRun with --help for usage.");
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
