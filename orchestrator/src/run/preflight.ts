// Everything about a batch that can be refused is refused here, before any task calls a model
// or writes a file: a bad path in task 7 must not leave tasks 1 to 6 half done. Each task also
// gets its check plan here, and a task that nothing would check is refused unless the user
// said they want it unverified.
import { stat } from "node:fs/promises";
import { scriptTimeoutMs, type ResolvedConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import type { Task } from "../core/types.ts";
import { planChecks, type CheckPlan } from "../verify/plan.ts";
import { resolveInside } from "../workspace/owned-files.ts";

export interface PreparedTask {
  task: Task;
  checks: CheckPlan;
  /** False when the task runs with no checks at all, as the user asked. */
  verified: boolean;
}

export interface PreflightOptions {
  /** --no-checks: run without verification, and say so in the results. */
  noChecks?: boolean;
  bunPath?: string;
}

export async function prepareTasks(
  tasks: readonly Task[],
  workspace: string,
  config: Pick<ResolvedConfig, "verify" | "limits" | "source">,
  options: PreflightOptions = {},
): Promise<PreparedTask[]> {
  for (const task of tasks) for (const file of task.filesOwned) await resolveInside(workspace, file);
  for (const [i, task] of tasks.entries()) {
    for (const file of task.filesRead ?? []) await checkReadOnlyFile(workspace, file, whichTask(tasks, i));
  }
  const prepared: PreparedTask[] = [];
  for (const [i, task] of tasks.entries()) {
    const scripts = options.noChecks ? [] : (task.verify ?? config.verify.scripts);
    const checks = await planChecks(workspace, { scripts, timeoutFor: (script) => scriptTimeoutMs(config, script), bunPath: options.bunPath });
    const which = whichTask(tasks, i);
    const problem = task.verify ? missingTaskScripts(checks, which) : noChecksLeft(checks, scripts, workspace, config.source);
    if (problem && !options.noChecks) throw new InputError(problem);
    prepared.push({ task, checks, verified: checks.checks.length > 0 });
  }
  return prepared;
}

function whichTask(tasks: readonly Task[], i: number): string {
  return tasks.length === 1 ? "the task" : `task ${i + 1}`;
}

/** A read-only file is shown to the model as it is, so it must be there, and be a file. */
async function checkReadOnlyFile(workspace: string, file: string, which: string): Promise<void> {
  const abs = await resolveInside(workspace, file);
  const info = await stat(abs).catch(() => null);
  if (!info) throw new InputError(`${which} lists ${file} in filesRead, but it does not exist. filesRead names files to show the model; a file to create belongs in filesOwned.`);
  if (!info.isFile()) throw new InputError(`${which} lists ${file} in filesRead, but it is not a regular file.`);
}

/** A task that names its own scripts means every one of them. */
function missingTaskScripts(plan: CheckPlan, which: string): string | null {
  if (plan.skipped.length === 0) return null;
  const names = plan.skipped.map((s) => `"${s.check}"`).join(", ");
  return `${which} asks to be verified by ${names}, but package.json does not define ${plan.skipped.length === 1 ? "it" : "them"} (${plan.skipped[0]!.reason}). Add the script${plan.skipped.length === 1 ? "" : "s"} to package.json, or drop ${plan.skipped.length === 1 ? "it" : "them"} from the task's "verify" list.`;
}

/** Some configured scripts may be missing; none at all means nothing would check the edit. */
function noChecksLeft(plan: CheckPlan, scripts: readonly string[], workspace: string, configFile: string | null): string | null {
  if (plan.checks.length > 0) return null;
  // An explicit empty list in the config file is the user saying "no checks".
  if (scripts.length === 0) return null;
  const noPackage = plan.skipped.some((s) => s.reason === "no package.json");
  const where = noPackage ? `${workspace} has no package.json` : `package.json in ${workspace} defines none of the scripts ${scripts.map((s) => `"${s}"`).join(", ")}`;
  const setting = configFile ? `verify.scripts in ${configFile}` : "verify.scripts in smol-coder.config.json";
  return (
    `nothing would verify the edits: ${where}. ` +
    `Add the scripts (for example "typecheck": "tsc --noEmit", "lint": "eslint .", "build": "vite build"), ` +
    `or list the scripts the project has in ${setting}. ` +
    `To run without any checks, pass --no-checks (or set verify.scripts to []): the result is then marked unverified.`
  );
}
