// Which checks of a baseline run could not run at all: the shell found no such command (exit
// 127), could not execute it (126), or the runner could not be started. Such a check fails the
// same way before and after any edit, so judging against the baseline would excuse it, and a task
// would pass as verified by a check that never looked at the code. The task stops instead.
import type { CheckResult, VerifyRun } from "./run.ts";

/** The shell's "command not found" and "not executable" exit codes (POSIX). */
const CANNOT_RUN_EXITS = new Set([126, 127]);

export function checksThatCannotRun(run: VerifyRun | null): CheckResult[] {
  return (run?.checks ?? []).filter((c) => c.reason === "spawn_error" || (c.reason === "exit" && c.exitCode !== null && CANNOT_RUN_EXITS.has(c.exitCode)));
}

/** What the user reads: each check with what it printed last, and the fix. */
export function cannotRunMessage(checks: readonly CheckResult[]): string {
  const each = checks.map((c) => {
    const said = lastLine(c.outputTail);
    const how = c.reason === "spawn_error" ? "could not be started" : `exited ${c.exitCode}`;
    return `the ${c.name} script cannot run in this workspace (it ${how}${said ? `: ${said}` : ""})`;
  });
  return (
    `${each.join("; ")}. Nothing was checked and no file was changed. Install the workspace's dependencies ` +
    `(npm install, pnpm install, yarn or bun install), or fix the script in package.json, then run the task again.`
  );
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1)?.trim() ?? "";
  return last.length > 200 ? `${last.slice(0, 200)}…` : last;
}
