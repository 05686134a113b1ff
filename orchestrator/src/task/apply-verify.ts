// Applies one edit, verifies it and keeps or undoes it, all under the workspace lock, so no
// other task ever sees (or is judged against) this task's unverified edit.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import type { Tier } from "../core/types.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import type { EditPlan } from "../edits/contract.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import { capErrors, judge } from "../verify/judge.ts";
import type { VerifyRun } from "../verify/run.ts";
import type { OwnedFiles } from "../workspace/owned-files.ts";
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
  signal?: AbortSignal;
  logger: Logger;
  /** Told once the edit is in the files (for --keep-failed). */
  onApplied(changes: Map<string, string | null>): void;
}

export type ApplyResult =
  | { kind: "passed"; files: string[] }
  | { kind: "failed"; errors: string[]; previous: PreviousAttempt }
  | { kind: "interrupted" };

export async function applyAndVerify(options: ApplyOptions): Promise<ApplyResult> {
  const { plan, attempt, tier, owned, verification, logger: log } = options;
  const changes = new Map(plan.changes.map((c) => [c.path, c.after]));
  const files = plan.changes.map((c) => c.path);
  const verdict = await options.gate.exclusive(async () => {
    await owned.write(changes);
    options.onApplied(changes);
    emit(log, { event: "patch_applied", tier, attempt, linesChanged: plan.linesChanged, files, strategy: plan.strategy });
    emit(log, { event: "verification_start", attempt, checks: verification.checkNames });
    const run = await verification.run();
    const v = options.signal?.aborted
      ? null
      : { run, ...judge(run, { baseline: verification.baseline, strict: options.strict, owned: options.filesOwned }) };
    if (!v?.ok || options.dryRun) await owned.restore();
    return v;
  });
  if (!verdict) return { kind: "interrupted" };
  if (verdict.ok) {
    emit(log, { event: "verification_pass", attempt, durationMs: verdict.run.durationMs });
    return { kind: "passed", files };
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
  const feedback = buildFeedback(verdict.diagnostics, changes);
  return { kind: "failed", errors, previous: { diff: plan.diff, errors: feedback, formatRefused: false, focus: retryFocus(plan.changes, verdict.diagnostics) } };
}
