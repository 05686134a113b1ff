// The task loop: attempt, apply, verify, then ask the policy what follows. Every attempt starts
// from the files exactly as they were before the task, so each diff applies to the content its
// prompt showed, and an abort leaves the workspace byte for byte as it was.
import type { Logger } from "pino";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import { planChecks } from "../verify/plan.ts";
import type { TokenTotals } from "../core/events.ts";
import { executeAttempt, type ExecutorDeps } from "../executor/attempt.ts";
import { buildFeedback } from "./feedback.ts";
import { decide, escalationReason, nextTier } from "./policy.ts";
import type { CommandRunner } from "../verify/process.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import { routeTask } from "./routing.ts";
import { createLocalGate, type WorkspaceGate } from "../concurrency/lease-limiter.ts";
import { emit } from "../core/telemetry.ts";
import { TIERS, type AttemptRecord, type Limits, type Task, type Tier } from "../core/types.ts";
import { capErrors, judge, runChecks, type VerifyRun } from "../verify/run.ts";
import { openOwnedFiles, type OwnedFiles } from "../workspace/owned-files.ts";

export type Phase = "waiting" | "calling" | "verifying" | "done";

export interface RunTaskOptions {
  task: Task;
  workspace: string;
  limits: Limits;
  /** Judge every failure, even ones the workspace had before the task. */
  strict?: boolean;
  verifyScripts?: readonly string[];
  verifyTimeouts?: Record<string, number>;
  /** Run the whole loop, then put the files back; the outcome still carries the diff. */
  dryRun?: boolean;
  /** On abort, leave the last applied attempt in place for inspection. */
  keepFailed?: boolean;
  deps: ExecutorDeps & {
    runner?: CommandRunner;
    now?: () => number;
    bunPath?: string;
    gate?: WorkspaceGate;
    baselineCache?: BaselineCache;
    onPhase?: (phase: Phase, info: { tier: Tier; attempt: number }) => void;
  };
}

export type TokensByTier = Record<Tier, TokenTotals>;

export interface TaskSummary {
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  finalTier: Tier;
  durationMs: number;
  tokens: TokenTotals;
  tokensByTier: TokensByTier;
}

export type TaskOutcome =
  | ({ status: "complete"; files: string[]; diff: string } & TaskSummary)
  | ({ status: "aborted"; lastErrors: string[]; reason: string; diff: string | null } & TaskSummary)
  | ({ status: "unavailable"; reason: "unreachable" | "auth" | "unknown_model"; message: string; model: string } & TaskSummary)
  | ({ status: "too_large"; message: string } & TaskSummary)
  | ({ status: "interrupted" } & TaskSummary);

/** Reasons a reply was refused for its shape: the retry should ask for another format. */
const FORMAT_REASONS = new Set(["no_diff", "parse_error", "hunk_not_found", "hunk_ambiguous", "elision"]);

export async function runTask(options: RunTaskOptions): Promise<TaskOutcome> {
  const { task, deps } = options;
  const gate = deps.gate ?? createLocalGate();
  const releaseFiles = await gate.claimFiles(task.filesOwned);
  try {
    const owned = await openOwnedFiles(options.workspace, task.filesOwned);
    return await new TaskRun(options, owned, gate).run();
  } finally {
    releaseFiles();
  }
}

class TaskRun {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly started: number;
  private readonly history: AttemptRecord[] = [];
  private readonly tokensByTier: TokensByTier = Object.fromEntries(
    TIERS.map((t) => [t, { prompt: 0, completion: 0, total: 0 }]),
  ) as TokensByTier;
  private tier: Tier;
  private lastApplied: Map<string, string | null> | null = null;
  private lastDiff: string | null = null;

  constructor(
    private readonly options: RunTaskOptions,
    private readonly owned: OwnedFiles,
    private readonly gate: WorkspaceGate,
  ) {
    this.log = options.deps.logger;
    this.now = options.deps.now ?? (() => performance.now());
    this.started = this.now();
    this.tier = routeTask(options.task, options.limits, this.log).tier;
    emit(this.log, { event: "task_created", tier: this.tier, description: options.task.description, files: options.task.filesOwned });
  }

  async run(): Promise<TaskOutcome> {
    try {
      return await this.loop();
    } catch (err) {
      // Whatever broke, the user's files go back first; the error then travels on to index.ts.
      await this.owned.restore().catch(() => {});
      throw err;
    }
  }

  private async loop(): Promise<TaskOutcome> {
    const { task, limits, deps } = this.options;
    const checkPlan = await planChecks(this.owned.root, {
      scripts: this.options.verifyScripts,
      timeoutMs: limits.verifyTimeoutMs,
      timeouts: this.options.verifyTimeouts,
      bunPath: deps.bunPath,
    });
    for (const s of checkPlan.skipped) emit(this.log, { event: "verification_skipped", attempt: 0, ...s });
    const checkNames = checkPlan.checks.map((c) => c.name);
    const verify = () => runChecks(this.owned.root, checkPlan, { runner: deps.runner, signal: deps.signal });

    // The baseline tells errors the workspace already had from errors an attempt introduced.
    let cached = false;
    const baseline: VerifyRun | null =
      checkNames.length === 0
        ? null
        : await this.gate.exclusive(async () => {
            const cache = deps.baselineCache;
            const key = cache ? await cache.key(this.owned.root, checkPlan) : null;
            const hit = key ? await cache!.get(key) : null;
            if (hit) {
              cached = true;
              return hit;
            }
            const run = await verify();
            if (key && !deps.signal?.aborted && run.checks.every((c) => c.reason === "exit")) await cache!.put(key, run).catch(() => {});
            return run;
          });
    if (deps.signal?.aborted) return this.interrupted();
    if (baseline) {
      const b = judge(baseline, { baseline: null, strict: true, owned: task.filesOwned });
      emit(this.log, { event: "verification_baseline", ok: b.ok, cached, errorCount: b.errors.length, errors: capErrors(b.errors), failedChecks: b.failedChecks, durationMs: baseline.durationMs });
    }

    let previous: PreviousAttempt | null = null;
    for (let attempt = 1; ; attempt++) {
      const tier = this.tier;
      deps.onPhase?.("calling", { tier, attempt });
      const outcome = await executeAttempt(
        { task, attempt, tier, files: this.owned.original, previous, maxPatchLines: limits.maxPatchLines },
        deps,
      );
      if (deps.signal?.aborted) return this.interrupted();

      let record: AttemptRecord;
      if (outcome.kind === "too_large") {
        emit(this.log, { event: "task_abort", ...this.closing(), lastErrors: [outcome.message], reason: "prompt_too_large" });
        return { status: "too_large", message: outcome.message, ...this.summary() };
      } else if (outcome.kind === "model_failed") {
        const f = outcome.failure;
        if (f.reason === "aborted") return this.interrupted();
        if (f.reason === "unreachable" || f.reason === "auth" || f.reason === "unknown_model") {
          emit(this.log, { event: "task_abort", ...this.closing(), lastErrors: [f.message], reason: `model_${f.reason}` });
          return { status: "unavailable", reason: f.reason, message: f.message, model: outcome.model, ...this.summary() };
        }
        // A timeout, a stall or a server error after its retries is the model failing this attempt.
        record = { attempt, tier, outcome: "model_failed", diff: null, errors: [`model call failed (${f.reason}): ${f.message}`] };
        previous = { diff: null, errors: record.errors, formatRefused: false };
      } else {
        addTokens(this.tokensByTier[tier], outcome.reply.usage);
        const plan = outcome.plan;
        if (!plan.ok) {
          emit(this.log, { event: "patch_rejected", tier, attempt, reason: plan.reason, detail: plan.detail });
          record = { attempt, tier, outcome: "patch_rejected", diff: null, errors: [`patch rejected (${plan.reason}): ${plan.detail}`] };
          previous = { diff: null, errors: record.errors, formatRefused: FORMAT_REASONS.has(plan.reason) };
        } else {
          deps.onPhase?.("verifying", { tier, attempt });
          const changes = new Map(plan.changes.map((c) => [c.path, c.after]));
          const files = plan.changes.map((c) => c.path);
          // Apply, verify and keep-or-undo as one unit, so no other task sees this unverified edit.
          const verdict = await this.gate.exclusive(async () => {
            await this.owned.write(changes);
            this.lastApplied = changes;
            this.lastDiff = plan.diff;
            emit(this.log, { event: "patch_applied", tier, attempt, linesChanged: plan.linesChanged, files, strategy: plan.strategy });
            emit(this.log, { event: "verification_start", attempt, checks: checkNames });
            const run = await verify();
            const v = deps.signal?.aborted ? null : { run, ...judge(run, { baseline, strict: this.options.strict ?? false, owned: task.filesOwned }) };
            if (!v?.ok || this.options.dryRun) await this.owned.restore();
            return v;
          });
          if (!verdict) return this.interrupted();
          if (verdict.ok) {
            emit(this.log, { event: "verification_pass", attempt, durationMs: verdict.run.durationMs });
            this.history.push({ attempt, tier, outcome: "verification_pass", diff: plan.diff, errors: [] });
            emit(this.log, { event: "task_complete", ...this.closing(), files });
            deps.onPhase?.("done", { tier, attempt });
            return { status: "complete", files, diff: plan.diff, ...this.summary() };
          }
          const errors = capErrors(verdict.errors);
          emit(this.log, { event: "verification_fail", attempt, errorCount: verdict.errors.length, errors, failedChecks: verdict.failedChecks, durationMs: verdict.run.durationMs });
          record = { attempt, tier, outcome: "verification_fail", diff: plan.diff, errors };
          previous = { diff: plan.diff, errors: buildFeedback(verdict.diagnostics, changes), formatRefused: false };
        }
      }

      const decision = decide(this.history, record, limits);
      this.history.push(record);
      if (decision === "abort") return this.abort(record.errors);
      if (decision === "escalate") {
        const to = nextTier(tier)!;
        emit(this.log, { event: "escalation", fromTier: tier, toTier: to, reason: escalationReason(this.history, tier) });
        this.tier = to;
      }
    }
  }

  private async abort(lastErrors: string[]): Promise<TaskOutcome> {
    const keep = this.options.keepFailed && this.lastApplied;
    await this.gate.exclusive(async () => {
      await this.owned.restore();
      if (keep) await this.owned.write(this.lastApplied!);
    });
    const reason = "attempts exhausted";
    emit(this.log, { event: "task_abort", ...this.closing(), lastErrors, reason });
    this.options.deps.onPhase?.("done", { tier: this.tier, attempt: this.history.length });
    return { status: "aborted", lastErrors, reason, diff: keep ? this.lastDiff : null, ...this.summary() };
  }

  private async interrupted(): Promise<TaskOutcome> {
    await this.owned.restore();
    emit(this.log, { event: "task_abort", ...this.closing(), lastErrors: [], reason: "interrupted" });
    return { status: "interrupted", ...this.summary() };
  }

  private summary(): TaskSummary {
    const attemptsByTier = Object.fromEntries(TIERS.map((t) => [t, this.history.filter((a) => a.tier === t).length])) as Record<Tier, number>;
    const tokens = { prompt: 0, completion: 0, total: 0 };
    for (const t of TIERS) addTokens(tokens, { promptTokens: this.tokensByTier[t].prompt, completionTokens: this.tokensByTier[t].completion, totalTokens: this.tokensByTier[t].total });
    return {
      attempts: this.history.length,
      attemptsByTier,
      finalTier: this.tier,
      durationMs: Math.round(this.now() - this.started),
      tokens,
      tokensByTier: this.tokensByTier,
    };
  }

  /** The fields task_complete and task_abort share. */
  private closing() {
    const s = this.summary();
    return { totalAttempts: s.attempts, finalTier: s.finalTier, durationMs: s.durationMs, tokens: s.tokens, tokensByTier: s.tokensByTier };
  }
}

function addTokens(into: TokenTotals, usage: { promptTokens: number; completionTokens: number; totalTokens: number }): void {
  into.prompt += usage.promptTokens;
  into.completion += usage.completionTokens;
  into.total += usage.totalTokens;
}
