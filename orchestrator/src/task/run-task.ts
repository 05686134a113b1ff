// The task loop: baseline, then attempts until one passes or the policy gives up. Each attempt
// asks the model, applies the edit, verifies it and keeps or undoes it. Every attempt starts
// from the files exactly as they were before the task, so each diff applies to the content its
// prompt showed, and an abort leaves the workspace byte for byte as it was.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import { DEFAULT_CONTEXT } from "../core/defaults.ts";
import type { AttemptRecord, ContextSettings, Limits, Task, Tier } from "../core/types.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import { createLocalGate } from "../concurrency/workspace-gate.ts";
import type { AttemptOutcome, ExecutorDeps } from "../executor/attempt.ts";
import { executeAttempt } from "../executor/attempt.ts";
import type { ContextBlock } from "../executor/context/block.ts";
import type { ContextCache } from "../executor/context/cache.ts";
import { gatherContext } from "../executor/context/gather.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import type { CommandRunner } from "../verify/process.ts";
import type { CheckPlan } from "../verify/plan.ts";
import { runChecks, type VerifyRun } from "../verify/run.ts";
import { openOwnedFiles, type OwnedFiles } from "../workspace/owned-files.ts";
import { applyAndVerify, type Verification } from "./apply-verify.ts";
import { takeBaseline } from "./baseline.ts";
import type { TaskOutcome } from "./outcomes.ts";
import { decide, escalationReason, nextTier } from "./policy.ts";
import { routeTask } from "./routing.ts";
import { TaskTally } from "./tally.ts";

export type Phase = "waiting" | "calling" | "verifying" | "done";

export interface RunTaskOptions {
  task: Task;
  workspace: string;
  limits: Limits;
  /** Judge every failure, even ones the workspace had before the task. */
  strict?: boolean;
  /** The checks that judge each attempt (run/preflight.ts plans them); none means unverified. */
  checks: CheckPlan;
  /** Run the whole loop, then put the files back; the outcome still carries the diff. */
  dryRun?: boolean;
  /** On abort, leave the last applied attempt in place for inspection. */
  keepFailed?: boolean;
  /** Which parts of the context the model is shown (default: all). */
  context?: ContextSettings;
  deps: ExecutorDeps & {
    runner?: CommandRunner;
    now?: () => number;
    gate?: WorkspaceGate;
    baselineCache?: BaselineCache;
    /** Project facts per workspace state and parsed library files, shared by the tasks of a batch. */
    contextCache?: ContextCache;
    onPhase?: (phase: Phase, info: { tier: Tier; attempt: number }) => void;
  };
}

/** Reasons a reply was refused for its shape: the retry should ask for another format. */
const FORMAT_REASONS = new Set(["no_diff", "parse_error", "hunk_not_found", "hunk_ambiguous", "elision"]);

/** What one attempt leaves: either the task's end, or a failure for the policy to weigh. */
type Step = { end: TaskOutcome } | { record: AttemptRecord; previous: PreviousAttempt };

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
  private readonly tally: TaskTally;
  private tier: Tier;
  /** The last edit that was applied, for --keep-failed. */
  private lastApplied: { changes: Map<string, string | null>; diff: string } | null = null;
  /** Gathered before the first attempt; the files it describes do not change between attempts. */
  private context: Promise<ContextBlock> | null = null;

  constructor(
    private readonly options: RunTaskOptions,
    private readonly owned: OwnedFiles,
    private readonly gate: WorkspaceGate,
  ) {
    this.log = options.deps.logger;
    this.tally = new TaskTally(options.deps.now ?? (() => performance.now()));
    this.tier = routeTask(options.task, options.limits, this.log).tier;
    emit(this.log, { event: "task_created", tier: this.tier, description: options.task.description, files: options.task.filesOwned });
  }

  async run(): Promise<TaskOutcome> {
    try {
      return await this.loop();
    } catch (err) {
      // Whatever broke, the user's files go back first; the error then travels on to the CLI.
      await this.owned.restore().catch(() => {});
      throw err;
    }
  }

  private get aborted(): boolean {
    return this.options.deps.signal?.aborted ?? false;
  }

  private async loop(): Promise<TaskOutcome> {
    const verification = await this.prepareVerification();
    if (this.aborted) return this.interrupted();
    let previous: PreviousAttempt | null = null;
    for (let attempt = 1; ; attempt++) {
      const step = await this.attempt(attempt, previous, verification);
      if ("end" in step) return step.end;
      const decision = decide(this.tally.history, step.record, this.options.limits);
      this.tally.record(step.record);
      if (decision === "abort") return this.abort(step.record.errors);
      if (decision === "escalate") this.escalate();
      previous = step.previous;
    }
  }

  /** Plans the checks and takes the baseline they are judged against. */
  private async prepareVerification(): Promise<Verification> {
    const { deps, checks: plan } = this.options;
    for (const s of plan.skipped) emit(this.log, { event: "verification_skipped", attempt: 0, ...s });
    const run = (): Promise<VerifyRun> => runChecks(this.owned.root, plan, { runner: deps.runner, signal: deps.signal });
    const baseline = await takeBaseline({
      root: this.owned.root,
      plan,
      owned: this.options.task.filesOwned,
      verify: run,
      gate: this.gate,
      cache: deps.baselineCache,
      signal: deps.signal,
      logger: this.log,
    });
    return { checkNames: plan.checks.map((c) => c.name), run, baseline };
  }

  /** One attempt: the model's turn, then the workspace's verdict on what it wrote. */
  private async attempt(attempt: number, previous: PreviousAttempt | null, verification: Verification): Promise<Step> {
    const { task, limits, deps } = this.options;
    const tier = this.tier;
    deps.onPhase?.("calling", { tier, attempt });
    this.context ??= gatherContext(
      { root: this.owned.root, task, files: this.owned.original, settings: this.options.context ?? DEFAULT_CONTEXT },
      { cache: deps.contextCache },
    );
    const context = await this.context;
    const outcome = await executeAttempt({ task, attempt, tier, files: this.owned.original, previous, maxPatchLines: limits.maxPatchLines, context }, deps);
    if (this.aborted) return { end: await this.interrupted() };
    switch (outcome.kind) {
      case "too_large":
        return { end: this.tooLarge(outcome.message) };
      case "model_failed":
        return this.modelFailed(attempt, tier, outcome);
      case "edit":
        this.tally.addUsage(tier, outcome.reply.usage);
        if (!outcome.plan.ok) return this.rejected(attempt, tier, outcome.plan);
        return this.verifyEdit(attempt, tier, outcome.plan, verification);
    }
  }

  private tooLarge(message: string): TaskOutcome {
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [message], reason: "prompt_too_large" });
    return { status: "too_large", message, ...this.tally.summary(this.tier) };
  }

  private async modelFailed(attempt: number, tier: Tier, outcome: Extract<AttemptOutcome, { kind: "model_failed" }>): Promise<Step> {
    const f = outcome.failure;
    if (f.reason === "aborted") return { end: await this.interrupted() };
    if (f.reason === "unreachable" || f.reason === "auth" || f.reason === "unknown_model") {
      emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [f.message], reason: `model_${f.reason}` });
      return { end: { status: "unavailable", reason: f.reason, message: f.message, model: outcome.model, ...this.tally.summary(this.tier) } };
    }
    // A timeout, a stall or a server error after its retries is the model failing this attempt.
    const errors = [`model call failed (${f.reason}): ${f.message}`];
    return { record: { attempt, tier, outcome: "model_failed", diff: null, errors }, previous: { diff: null, errors, formatRefused: false } };
  }

  private rejected(attempt: number, tier: Tier, plan: { reason: string; detail: string }): Step {
    emit(this.log, { event: "patch_rejected", tier, attempt, reason: plan.reason, detail: plan.detail });
    const errors = [`patch rejected (${plan.reason}): ${plan.detail}`];
    return {
      record: { attempt, tier, outcome: "patch_rejected", diff: null, errors },
      previous: { diff: null, errors, formatRefused: FORMAT_REASONS.has(plan.reason) },
    };
  }

  private async verifyEdit(
    attempt: number,
    tier: Tier,
    plan: Parameters<typeof applyAndVerify>[0]["plan"],
    verification: Verification,
  ): Promise<Step> {
    const { deps, task } = this.options;
    deps.onPhase?.("verifying", { tier, attempt });
    const result = await applyAndVerify({
      plan,
      attempt,
      tier,
      owned: this.owned,
      gate: this.gate,
      verification,
      strict: this.options.strict ?? false,
      dryRun: this.options.dryRun ?? false,
      filesOwned: task.filesOwned,
      signal: deps.signal,
      logger: this.log,
      onApplied: (changes) => (this.lastApplied = { changes, diff: plan.diff }),
    });
    if (result.kind === "interrupted") return { end: await this.interrupted() };
    if (result.kind === "passed") {
      this.tally.record({ attempt, tier, outcome: "verification_pass", diff: plan.diff, errors: [] });
      const verified = this.options.checks.checks.length > 0;
      emit(this.log, { event: "task_complete", ...this.tally.closing(this.tier), files: result.files, verified });
      deps.onPhase?.("done", { tier, attempt });
      return { end: { status: "complete", files: result.files, diff: plan.diff, verified, ...this.tally.summary(this.tier) } };
    }
    return { record: { attempt, tier, outcome: "verification_fail", diff: plan.diff, errors: result.errors }, previous: result.previous };
  }

  private escalate(): void {
    const from = this.tier;
    const to = nextTier(from)!;
    emit(this.log, { event: "escalation", fromTier: from, toTier: to, reason: escalationReason(this.tally.history, from) });
    this.tier = to;
  }

  private async abort(lastErrors: string[]): Promise<TaskOutcome> {
    const kept = this.options.keepFailed ? this.lastApplied : null;
    await this.gate.exclusive(async () => {
      await this.owned.restore();
      if (kept) await this.owned.write(kept.changes);
    });
    const reason = "attempts exhausted";
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors, reason });
    this.options.deps.onPhase?.("done", { tier: this.tier, attempt: this.tally.history.length });
    return { status: "aborted", lastErrors, reason, diff: kept?.diff ?? null, ...this.tally.summary(this.tier) };
  }

  private async interrupted(): Promise<TaskOutcome> {
    await this.owned.restore();
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [], reason: "interrupted" });
    return { status: "interrupted", ...this.tally.summary(this.tier) };
  }
}
