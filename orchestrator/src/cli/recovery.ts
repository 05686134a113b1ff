// Before a run touches a workspace, it finishes what an earlier run there could not: a run that
// was killed (or lost power) while an unverified edit was in place left a journal, and its files
// are put back, or, when the user changed them since, the run refuses until the user chooses.
// It runs at start, and again when a task gets files another process held (that process may
// have been killed holding them).
import type { Logger } from "pino";
import { WorkspaceError } from "../core/errors.ts";
import { emit } from "../core/telemetry.ts";
import type { ProcessStamp } from "../concurrency/process-stamp.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import { headHolds } from "../git/head-holds.ts";
import { hasStaleJournals, journalFolderProblem, recoverWorkspace, type Conflict, type Recovered } from "../workspace/recover.ts";

export interface RecoveryOptions {
  stateDir: string;
  root: string;
  /** --restore-journal: put the originals back even over files changed since. */
  force: boolean;
  gate: WorkspaceGate;
  logger: Logger;
  stderr: { write(text: string): unknown };
  /** Whether a journal's process still runs (tests answer it; the default asks the OS). */
  isAlive?: (stamp: ProcessStamp) => boolean;
}

export async function recoverEarlierRuns(options: RecoveryOptions): Promise<void> {
  const problem = await journalFolderProblem(options.stateDir, options.root);
  if (problem) throw new WorkspaceError(problem);
  // Nearly always nothing to do: then no lock is taken (another task may hold it for minutes).
  if (!(await hasStaleJournals(options.stateDir, options.root, options.isAlive))) return;
  // Under the workspace lock: no other run is between writing and restoring while this looks.
  const committed = (rel: string, content: Buffer) => headHolds(options.root, rel, content);
  const result = await options.gate.exclusive(() => recoverWorkspace({ stateDir: options.stateDir, root: options.root, force: options.force, isAlive: options.isAlive, committed }));
  for (const r of result.recovered) {
    emit(options.logger, { event: "journal_recovered", ...r });
    options.stderr.write(`smol-coder: ${recoveredMessage(r)}\n`);
  }
  const broken = [...result.unreadable, ...result.failed];
  if (broken.length > 0) {
    const { journal, problem: why } = broken[0]!;
    throw new WorkspaceError(
      `the journal ${journal}, left by an earlier run in this workspace, cannot be used: ${why}. It may hold the original bytes of files that run edited, so nothing was run. Fix the cause and run again, or, once you have looked at it, delete it to go on: rm '${journal}'`,
    );
  }
  if (result.conflicts.length > 0) throw new WorkspaceError(conflictMessage(result.conflicts));
}

function recoveredMessage(r: Recovered): string {
  const parts = [`found the journal of an earlier run in this workspace (pid ${r.pid}, its task started ${r.startedAt}) that ended before its files were final: it was killed, or the machine went down.`];
  if (r.restored.length > 0) parts.push(`Put back as they were before that run: ${r.restored.join(", ")}.`);
  if (r.unchanged.length > 0) parts.push(`Already as they were: ${r.unchanged.join(", ")}.`);
  if (r.committed.length > 0) parts.push(`Kept, since that run had committed them (HEAD holds them as they are): ${r.committed.join(", ")}.`);
  return parts.join(" ");
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  const c = conflicts[0]!;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more journal${conflicts.length > 2 ? "s" : ""})` : "";
  return (
    `an earlier run in this workspace (pid ${c.pid}, its task started ${c.startedAt}) ended with an unverified edit in place, ` +
    `and ${c.changed.join(", ")} ${c.changed.length === 1 ? "has" : "have"} changed since${more}. ` +
    `The journal ${c.journal} holds the files as they were before that run; nothing was touched. ` +
    `To keep the files as they are now, delete the journal: rm '${c.journal}'. ` +
    `To put the originals back over the changes, run again with --restore-journal.`
  );
}
