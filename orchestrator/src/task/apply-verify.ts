// Applies one edit, verifies it and keeps or undoes it, all under the workspace lock, so no
// other task ever sees (or is judged against) this task's unverified edit. With --commit the
// commit is made inside the same lock, as the attempt's last check: a batch gives one commit per
// task in the order they passed, and a hook that refuses the change fails the attempt.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import type { Tier } from "../core/types.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import type { EditPlan } from "../edits/contract.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import type { CommitResult, TaskCommit } from "../git/types.ts";
import type { Diagnostic } from "../verify/diagnostics/diagnostic.ts";
import { capErrors, judge } from "../verify/judge.ts";
import type { VerifyRun } from "../verify/run.ts";
import type { OwnedFiles } from "../workspace/owned-files.ts";
import { COMMIT_CHECK, commitRefusal, signingFailure } from "./commit-refusal.ts";
import { logCheckResults } from "./check-events.ts";
import { buildFeedback } from "./feedback.ts";
import { retryFocus } from "./focus.ts";

/** The checks of a task and the baseline they are judged against. */
export interface Verification {
  checkNames: string[];
  run(): Promise<VerifyRun>;
  baseline: VerifyRun | null;
}

export interface ApplyOptions {
  plan: Extract<EditPlan, { ok: true }>;
  attempt: number;
  tier: Tier;
  owned: OwnedFiles;
  gate: WorkspaceGate;
  verification: Verification;
  strict: boolean;
  /** Put the files back even when the edit passes. */
  dryRun: boolean;
  filesOwned: readonly string[];
  /** Commits the changed files once the checks pass (--commit); absent, nothing is committed. */
  commit?: (files: string[]) => Promise<CommitResult>;
  signal?: AbortSignal;
  logger: Logger;
  /** Told once the edit is in the files (for --keep-failed). */
  onApplied(changes: Map<string, string | null>): void;
  /** Told when the task waits for another one's verification, and when its own starts. */
  onPhase?(phase: "waiting" | "verifying"): void;
}

export type ApplyResult =
  | { kind: "passed"; files: string[]; commit: TaskCommit | null }
  | { kind: "failed"; errors: string[]; previous: PreviousAttempt }
  | { kind: "interrupted" }
  /** The workspace would not take the edit, or would not take the originals back. */
  | { kind: "write_failed"; file: string; message: string };

interface Verdict {
  ok: boolean;
  run: VerifyRun;
  errors: string[];
  diagnostics: Diagnostic[];
  failedChecks: string[];
  commit: TaskCommit | null;
}

export async function applyAndVerify(options: ApplyOptions): Promise<ApplyResult> {
  const { plan, attempt, tier, owned, verification, logger: log } = options;
  const changes = new Map(plan.changes.map((c) => [c.path, c.after]));
  const files = plan.changes.map((c) => c.path);
  const outcome = await options.gate.exclusive(async (): Promise<{ failure: { file: string; message: string } } | { verdict: Verdict | null }> => {
    options.onPhase?.("verifying");
    const written = await owned.write(changes);
    if (!written.ok) return { failure: { file: written.file, message: written.message } };
    options.onApplied(changes);
    emit(log, { event: "patch_applied", tier, attempt, linesChanged: plan.linesChanged, files, strategy: plan.strategy });
    emit(log, { event: "verification_start", attempt, checks: verification.checkNames });
    const run = await verification.run();
    logCheckResults(log, attempt, run);
    const judged = judge(run, { baseline: verification.baseline, strict: options.strict, owned: options.filesOwned });
    const v = options.signal?.aborted ? null : await commitIfPassed(options, files, { run, commit: null, ...judged });
    const unsignable = v && "unsignable" in v ? v.unsignable : null;
    const verdict = v && "unsignable" in v ? null : v;
    // Put back under the lock, whatever ends the attempt: no other task may see the edit.
    if (unsignable || !verdict?.ok || options.dryRun) {
      const back = await owned.restore();
      if (!back.ok) return { failure: { file: back.file, message: back.message } };
    }
    if (unsignable) return { failure: { file: "git commit", message: unsignable } };
    return { verdict };
  }, () => options.onPhase?.("waiting"));
  if ("failure" in outcome) return { kind: "write_failed", ...outcome.failure };
  const verdict = outcome.verdict;
  if (!verdict) return { kind: "interrupted" };
  if (verdict.ok) {
    emit(log, { event: "verification_pass", attempt, durationMs: verdict.run.durationMs });
    if (verdict.commit) emit(log, { event: "commit_created", sha: verdict.commit.sha, branch: verdict.commit.branch, files });
    return { kind: "passed", files, commit: verdict.commit };
  }
  const errors = capErrors(verdict.errors);
  emit(log, {
    event: "verification_fail",
    attempt,
    errorCount: verdict.errors.length,
    errors,
    failedChecks: verdict.failedChecks,
    durationMs: verdict.run.durationMs,
  });
  // A refused commit's first line says a hook refused it; the rest is the hook's own output.
  const header = verdict.failedChecks.includes(COMMIT_CHECK) ? [verdict.errors[0]!] : [];
  const feedback = [...header, ...buildFeedback(verdict.diagnostics, changes)];
  return { kind: "failed", errors, previous: { diff: plan.diff, errors: feedback, formatRefused: false, focus: retryFocus(plan.changes, verdict.diagnostics) } };
}

/**
 * The commit, when the checks passed and the run commits; a refusal turns the verdict into a
 * failure. Null when the run was interrupted before the commit was made: then nothing is kept.
 */
async function commitIfPassed(options: ApplyOptions, files: string[], verdict: Verdict): Promise<Verdict | { unsignable: string } | null> {
  if (!verdict.ok || options.dryRun || !options.commit) return verdict;
  const made = await options.commit(files);
  if (made.ok) return { ...verdict, commit: made.commit };
  if (made.reason === "aborted" || options.signal?.aborted) return null;
  const unsignable = made.reason === "refused" ? signingFailure(made.output) : null;
  if (unsignable) return { unsignable };
  const refusal = commitRefusal(made.output, made.reason, options.owned.root);
  return { ...verdict, ok: false, errors: refusal.errors, diagnostics: refusal.diagnostics, failedChecks: [COMMIT_CHECK] };
}
