// The task loop: attempt, apply, verify, then ask the policy what follows. Every attempt starts
// from the files exactly as they were before the task, so each diff applies to the content its
// prompt showed, and an abort leaves the workspace byte for byte as it was.
import type { Logger } from "pino";
import { planChecks } from "./checks.ts";
import type { TokenTotals } from "./events.ts";
import { executeAttempt, type ExecutorDeps } from "./executor.ts";
import type { CommandRunner } from "./process.ts";
import { decide, escalationReason, nextTier } from "./policy.ts";
import type { PreviousAttempt } from "./prompt.ts";
import { routeTask } from "./router.ts";
import { emit } from "./telemetry.ts";
import { TIERS, type AttemptRecord, type Limits, type Task, type Tier } from "./types.ts";
import { capErrors, judge, runChecks, type VerifyRun } from "./verifier.ts";
import { openOwnedFiles } from "./workspace.ts";

export interface RunTaskOptions {
  task: Task;
  workspace: string;
  limits: Limits;
  /** Judge every failure, even ones the workspace had before the task. */
  strict?: boolean;
  verifyScripts?: readonly string[];
  deps: ExecutorDeps & { runner?: CommandRunner; now?: () => number; bunPath?: string };
}

export type TokensByTier = Record<Tier, TokenTotals>;

interface Summary {
  attempts: number;
  finalTier: Tier;
  durationMs: number;
  tokens: TokenTotals;
  tokensByTier: TokensByTier;
}

export type TaskOutcome =
  | ({ status: "complete"; files: string[]; diff: string } & Summary)
  | ({ status: "aborted"; lastErrors: string[]; reason: string } & Summary)
  | ({ status: "unavailable"; reason: "unreachable" | "auth" | "unknown_model"; message: string; model: string } & Summary)
  | ({ status: "interrupted" } & Summary);

/** Reasons a reply was refused for its shape: the retry should ask for another format. */
const FORMAT_REASONS = new Set(["no_diff", "parse_error", "hunk_not_found", "hunk_ambiguous", "elision"]);

export async function runTask(options: RunTaskOptions): Promise<TaskOutcome> {
  const { task, limits, deps } = options;
  const log: Logger = deps.logger;
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const owned = await openOwnedFiles(options.workspace, task.filesOwned);
  const route = routeTask(task, limits, log);
  let tier: Tier = route.tier;
  emit(log, { event: "task_created", tier, description: task.description, files: task.filesOwned });

  const tokensByTier = emptyTokens();
  const history: AttemptRecord[] = [];
  const summary = (): Summary => ({
    attempts: history.length,
    finalTier: tier,
    durationMs: Math.round(now() - started),
    tokens: sumTokens(tokensByTier),
    tokensByTier,
  });
  const interrupted = async (): Promise<TaskOutcome> => {
    await owned.restore();
    emit(log, { event: "task_abort", totalAttempts: history.length, finalTier: tier, lastErrors: [], reason: "interrupted", durationMs: summary().durationMs, tokens: summary().tokens, tokensByTier });
    return { status: "interrupted", ...summary() };
  };

  try {
    const checkPlan = await planChecks(owned.root, {
      scripts: options.verifyScripts,
      timeoutMs: limits.verifyTimeoutMs,
      bunPath: deps.bunPath,
    });
    for (const s of checkPlan.skipped) emit(log, { event: "verification_skipped", attempt: 0, ...s });
    const checkNames = checkPlan.checks.map((c) => c.name);
    const verify = () => runChecks(owned.root, checkPlan, { runner: deps.runner, signal: deps.signal });

    // The baseline tells errors the workspace already had from errors an attempt introduced.
    const baseline: VerifyRun | null = checkNames.length > 0 ? await verify() : null;
    if (deps.signal?.aborted) return await interrupted();
    if (baseline) {
      const b = judge(baseline, { baseline: null, strict: true, owned: task.filesOwned });
      emit(log, { event: "verification_baseline", ok: b.ok, errorCount: b.errors.length, errors: capErrors(b.errors), failedChecks: b.failedChecks, durationMs: baseline.durationMs });
    }

    let previous: PreviousAttempt | null = null;
    for (let attempt = 1; ; attempt++) {
      const outcome = await executeAttempt(
        { task, attempt, tier, files: owned.original, previous, maxPatchLines: limits.maxPatchLines },
        deps,
      );
      if (deps.signal?.aborted) return await interrupted();

      let record: AttemptRecord;
      if (outcome.kind === "model_failed") {
        const f = outcome.failure;
        if (f.reason === "aborted") return await interrupted();
        if (f.reason === "unreachable" || f.reason === "auth" || f.reason === "unknown_model") {
          await owned.restore();
          emit(log, { event: "task_abort", totalAttempts: history.length, finalTier: tier, lastErrors: [f.message], reason: `model_${f.reason}`, durationMs: summary().durationMs, tokens: summary().tokens, tokensByTier });
          return { status: "unavailable", reason: f.reason, message: f.message, model: outcome.model, ...summary() };
        }
        // A timeout or a server error after its retries is the model failing this attempt.
        record = { attempt, tier, outcome: "model_failed", diff: null, errors: [`model call failed: ${f.message}`] };
        previous = { diff: null, errors: record.errors, formatRefused: false };
      } else {
        addTokens(tokensByTier[tier], outcome.reply.usage);
        const plan = outcome.plan;
        if (!plan.ok) {
          emit(log, { event: "patch_rejected", tier, attempt, reason: plan.reason, detail: plan.detail });
          record = { attempt, tier, outcome: "patch_rejected", diff: null, errors: [`patch rejected (${plan.reason}): ${plan.detail}`] };
          previous = { diff: null, errors: record.errors, formatRefused: FORMAT_REASONS.has(plan.reason) };
        } else {
          await owned.write(new Map(plan.changes.map((c) => [c.path, c.after])));
          emit(log, { event: "patch_applied", tier, attempt, linesChanged: plan.linesChanged, files: plan.changes.map((c) => c.path), strategy: plan.strategy });
          emit(log, { event: "verification_start", attempt, checks: checkNames });
          const run = await verify();
          if (deps.signal?.aborted) return await interrupted();
          const verdict = judge(run, { baseline, strict: options.strict ?? false, owned: task.filesOwned });
          if (verdict.ok) {
            emit(log, { event: "verification_pass", attempt, durationMs: run.durationMs });
            history.push({ attempt, tier, outcome: "verification_pass", diff: plan.diff, errors: [] });
            const s = summary();
            emit(log, { event: "task_complete", totalAttempts: s.attempts, finalTier: tier, durationMs: s.durationMs, tokens: s.tokens, tokensByTier, files: plan.changes.map((c) => c.path) });
            return { status: "complete", files: plan.changes.map((c) => c.path), diff: plan.diff, ...s };
          }
          const errors = capErrors(verdict.errors);
          emit(log, { event: "verification_fail", attempt, errorCount: verdict.errors.length, errors, failedChecks: verdict.failedChecks, durationMs: run.durationMs });
          await owned.restore();
          record = { attempt, tier, outcome: "verification_fail", diff: plan.diff, errors };
          previous = { diff: plan.diff, errors, formatRefused: false };
        }
      }

      const decision = decide(history, record, limits);
      history.push(record);
      if (decision === "abort") {
        await owned.restore();
        const s = summary();
        emit(log, { event: "task_abort", totalAttempts: s.attempts, finalTier: tier, lastErrors: record.errors, reason: "attempts exhausted", durationMs: s.durationMs, tokens: s.tokens, tokensByTier });
        return { status: "aborted", lastErrors: record.errors, reason: "attempts exhausted", ...s };
      }
      if (decision === "escalate") {
        const to = nextTier(tier)!;
        emit(log, { event: "escalation", fromTier: tier, toTier: to, reason: escalationReason(history, tier) });
        tier = to;
      }
    }
  } catch (err) {
    // Whatever broke, the user's files go back first; the error then travels on to index.ts.
    await owned.restore().catch(() => {});
    throw err;
  }
}

function emptyTokens(): TokensByTier {
  return Object.fromEntries(TIERS.map((t) => [t, { prompt: 0, completion: 0, total: 0 }])) as TokensByTier;
}

function addTokens(into: TokenTotals, usage: { promptTokens: number; completionTokens: number; totalTokens: number }): void {
  into.prompt += usage.promptTokens;
  into.completion += usage.completionTokens;
  into.total += usage.totalTokens;
}

function sumTokens(byTier: TokensByTier): TokenTotals {
  const out = { prompt: 0, completion: 0, total: 0 };
  for (const t of TIERS) addTokens(out, { promptTokens: byTier[t].prompt, completionTokens: byTier[t].completion, totalTokens: byTier[t].total });
  return out;
}
