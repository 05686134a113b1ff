// Everything about a batch that can be refused is refused here, before any task calls a model
// or writes a file: a bad path in task 7 must not leave tasks 1 to 6 half done. Every owned
// path must be a regular text file (or not exist yet) that can be written: a folder, a path
// through a file, a FIFO, a socket, a device, a binary file or a read-only one is refused. Every
// read-only path (filesRead) must be a regular file inside the workspace. Each task also gets its
// check plan here, and a task that nothing would check is refused unless the user said they want
// it unverified.
import { stat } from "node:fs/promises";
import { scriptTimeoutMs, type ResolvedConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import type { Task } from "../core/types.ts";
import { planChecks, type CheckPlan } from "../verify/plan.ts";
import { resolveInside, resolveWorkspace, writeProblem } from "../workspace/locate.ts";
import { readOwned } from "../workspace/owned-files.ts";

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
  const root = await resolveWorkspace(workspace);
  for (const [i, task] of tasks.entries()) {
    const which = tasks.length === 1 ? "" : `task ${i + 1}: `;
    for (const file of task.filesOwned) {
      const problem = await ownedFileProblem(root, file);
      if (problem) throw new InputError(`${which}${problem}. Nothing was run.`);
    }
    for (const file of task.filesRead ?? []) await checkReadOnlyFile(root, file, whichTask(tasks, i));
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

/** Why an owned path cannot be edited, or null. Reading a file here also proves it is a regular one. */
async function ownedFileProblem(root: string, rel: string): Promise<string | null> {
  try {
    const owned = await readOwned(root, rel);
    return await writeProblem(root, owned);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
}

function whichTask(tasks: readonly Task[], i: number): string {
  return tasks.length === 1 ? "the task" : `task ${i + 1}`;
}

/** A read-only file is shown to the model as it is, so it must be there, inside the workspace, and be a file. */
async function checkReadOnlyFile(root: string, file: string, which: string): Promise<void> {
  const abs = await resolveInside(root, file).catch((err: unknown) => {
    if (err instanceof InputError) throw new InputError(`${which} lists ${file} in filesRead, but ${err.message}. Nothing was run.`);
    throw err;
  });
  const info = await stat(abs).catch(() => null);
  if (!info) {
    throw new InputError(`${which} lists ${file} in filesRead, but it does not exist. filesRead names files to show the model; a file to create belongs in filesOwned. Nothing was run.`);
  }
  if (!info.isFile()) throw new InputError(`${which} lists ${file} in filesRead, but it is not a regular file. Nothing was run.`);
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
