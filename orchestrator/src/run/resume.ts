// --resume RESULT_FILE: which tasks of a batch an earlier run already completed. A task is
// matched by its content (description, files, verify list) and by its owned files: they must be
// as a completed task of that run left them. So a rerun after a crash, a laptop sleep or a model
// server restart redoes only what is left, and a task whose files changed since runs again, as
// does one whose commit is not in the history here (reset away, or a result file of another
// repository).
import { createHash } from "node:crypto";
import type { Task } from "../core/types.ts";
import { commitIsInHistory } from "../git/history.ts";
import { hashOwnedFiles } from "../workspace/fingerprint.ts";
import type { ResultFile, TaskResult } from "./results.ts";
import { OUTCOMES } from "../task/outcomes.ts";

/** The hash of what a task asks for; two tasks with the same hash are the same task. */
export function taskHash(task: Task): string {
  const canonical = JSON.stringify([task.description, task.filesOwned, task.verify ?? null]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** Whether a task of an earlier result is done: completed (in that run or one before), and kept. */
export function isDone(earlier: ResultFile, task: TaskResult): boolean {
  const tally = OUTCOMES[task.status].tally;
  return !earlier.dryRun && (tally === "complete" || tally === "skipped");
}

/**
 * Batch index -> the earlier result of each task that is done and need not run again. Each
 * earlier task matches one task of the batch at most, so a task listed twice runs twice.
 */
export async function planResume(
  tasks: readonly Task[],
  earlier: ResultFile,
  root: string,
  reachable: (sha: string) => Promise<boolean> = (sha) => commitIsInHistory(root, sha),
): Promise<Map<number, TaskResult>> {
  const done = earlier.tasks.filter((t) => isDone(earlier, t));
  // A file owned by two done tasks holds the later one's result; either state counts as "as left".
  const leftStates = new Map<string, Set<string | null>>();
  for (const t of done) {
    for (const [file, hash] of Object.entries(t.fingerprint.files)) {
      if (!leftStates.has(file)) leftStates.set(file, new Set());
      leftStates.get(file)!.add(hash);
    }
  }
  const matched = new Map<number, TaskResult>();
  const used = new Set<TaskResult>();
  for (const [i, task] of tasks.entries()) {
    const key = taskHash(task);
    const candidate = done.find((t) => !used.has(t) && t.fingerprint.task === key);
    if (!candidate) continue;
    const now = await hashOwnedFiles(root, task.filesOwned);
    const asLeft = task.filesOwned.every((f) => f in candidate.fingerprint.files && (leftStates.get(f)?.has(now[f] ?? null) ?? false));
    if (!asLeft) continue;
    if (candidate.commit && !(await reachable(candidate.commit.sha))) continue;
    used.add(candidate);
    matched.set(i, candidate);
  }
  return matched;
}
