// The task loop: fit the prompt and pick the tier, baseline, then attempts until one passes or
// the policy gives up. Each attempt asks the model, applies the edit, verifies it and keeps or
// undoes it. Every attempt starts from the files exactly as they were before the task, so each
// diff applies to the content its prompt showed, and an abort leaves the workspace byte for byte
// as it was.
import type { Logger } from "pino";
import { DEFAULT_TIERS } from "../core/defaults.ts";
import { emit } from "../core/telemetry.ts";
import type { AttemptRecord, Limits, Task, Tier } from "../core/types.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import { createLocalGate } from "../concurrency/workspace-gate.ts";
import type { Rejection } from "../edits/contract.ts";
import type { AttemptOutcome, ExecutorDeps } from "../executor/attempt.ts";
import { executeAttempt } from "../executor/attempt.ts";
import type { ChatMessage, PreviousAttempt } from "../executor/prompt.ts";
import { createTokenCounters } from "../executor/tokens/counter.ts";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import type { CommandRunner } from "../verify/process.ts";
import type { CheckPlan } from "../verify/plan.ts";
import { runChecks, type VerifyRun } from "../verify/run.ts";
import { openOwnedFiles, type OwnedFiles } from "../workspace/owned-files.ts";
import { applyAndVerify, type Verification } from "./apply-verify.ts";
import { takeBaseline } from "./baseline.ts";
import { mergeFocus, unseenFocus } from "./focus.ts";
import type { TaskOutcome } from "./outcomes.ts";
import { decide, escalationReason } from "./policy.ts";
import { TaskTally } from "./tally.ts";
import { TierFitter } from "./tier-fits.ts";
import { TierLadder, type Fitted } from "./tier-ladder.ts";
import { excerptEvent } from "./excerpt-event.ts";

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
  deps: ExecutorDeps & {
    runner?: CommandRunner;
    now?: () => number;
    gate?: WorkspaceGate;
    baselineCache?: BaselineCache;
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
  private readonly fitter: TierFitter;
  private readonly ladder: TierLadder;
  /** The prompt last sent to each tier's model: a server may have its start cached. */
  private readonly sent = new Map<Tier, ChatMessage[]>();
  /** The last edit that was applied, for --keep-failed. */
  private lastApplied: { changes: Map<string, string | null>; diff: string } | null = null;

  constructor(
    private readonly options: RunTaskOptions,
    private readonly owned: OwnedFiles,
    private readonly gate: WorkspaceGate,
  ) {
    this.log = options.deps.logger;
    this.tally = new TaskTally(options.deps.now ?? (() => performance.now()));
    const tiers = options.deps.tiers ?? DEFAULT_TIERS;
    this.fitter = new TierFitter({ task: options.task, files: owned.original, tiers, counters: options.deps.tokens ?? createTokenCounters() });
    this.ladder = new TierLadder(this.fitter, this.log);
  }

  private get tier(): Tier {
    return this.ladder.tier;
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
    const { task } = this.options;
    // Before the baseline: a task no tier can hold ends here, with no check run and no model called.
    const stuck = await this.ladder.start(task, this.options.limits);
    emit(this.log, { event: "task_created", tier: this.tier, description: task.description, files: task.filesOwned });
    if (stuck) return this.tooLarge(stuck.message);
    const verification = await this.prepareVerification();
    if (this.aborted) return this.interrupted();
    this.fitter.useBaseline(verification.baseline);
    let previous: PreviousAttempt | null = null;
    for (let attempt = 1; ; attempt++) {
      const prompt = await this.ladder.prompt(previous);
      if ("stuck" in prompt) {
        if (this.tally.history.length === 0) return this.tooLarge(prompt.message);
        return this.abort(previous?.errors ?? [], `no tier from ${prompt.from} up has a window that holds the prompt`);
      }
      const step = await this.attempt(attempt, previous, verification, prompt);
      if ("end" in step) return step.end;
      const decision = decide(this.tally.history, step.record, this.options.limits);
      this.tally.record(step.record);
      previous = step.previous;
      if (decision === "abort") return this.abort(step.record.errors, "attempts exhausted");
      if (decision === "escalate" && !(await this.ladder.escalate(previous, escalationReason(this.tally.history, this.tier)))) {
        return this.abort(step.record.errors, `no tier above ${this.tier} has a window that holds the prompt`);
      }
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
  private async attempt(attempt: number, previous: PreviousAttempt | null, verification: Verification, prompt: Fitted): Promise<Step> {
    const { task, limits, deps } = this.options;
    const tier = this.tier;
    deps.onPhase?.("calling", { tier, attempt });
    if (prompt.excerpts.length > 0) emit(this.log, excerptEvent(tier, attempt, prompt.excerpts));
    const files = this.owned.original;
    const sentBefore = this.sent.get(tier) ?? null;
    this.sent.set(tier, prompt.messages);
    const outcome = await executeAttempt({ task, attempt, tier, files, prompt, sentBefore, maxPatchLines: limits.maxPatchLines }, deps);
    if (this.aborted) return { end: await this.interrupted() };
    switch (outcome.kind) {
      case "model_failed":
        return this.modelFailed(attempt, tier, outcome, previous);
      case "edit":
        this.tally.addUsage(tier, outcome.reply.usage);
        if (!outcome.plan.ok) return this.rejected(attempt, tier, outcome.plan, previous);
        return this.verifyEdit(attempt, tier, outcome.plan, verification);
    }
  }

  private tooLarge(message: string): TaskOutcome {
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [message], reason: "prompt_too_large" });
    return { status: "too_large", message, ...this.tally.summary(this.tier) };
  }

  private async modelFailed(
    attempt: number,
    tier: Tier,
    outcome: Extract<AttemptOutcome, { kind: "model_failed" }>,
    previous: PreviousAttempt | null,
  ): Promise<Step> {
    const f = outcome.failure;
    if (f.reason === "aborted") return { end: await this.interrupted() };
    if (f.reason === "unreachable" || f.reason === "auth" || f.reason === "unknown_model") {
      emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [f.message], reason: `model_${f.reason}` });
      return { end: { status: "unavailable", reason: f.reason, message: f.message, model: outcome.model, ...this.tally.summary(this.tier) } };
    }
    // A timeout, a stall or a server error after its retries is the model failing this attempt.
    const errors = [`model call failed (${f.reason}): ${f.message}`];
    return {
      record: { attempt, tier, outcome: "model_failed", diff: null, errors },
      previous: { diff: null, errors, formatRefused: false, focus: previous?.focus },
    };
  }

  private rejected(attempt: number, tier: Tier, plan: Rejection, previous: PreviousAttempt | null): Step {
    emit(this.log, { event: "patch_rejected", tier, attempt, reason: plan.reason, detail: plan.detail });
    const errors = [`patch rejected (${plan.reason}): ${plan.detail}`];
    return {
      record: { attempt, tier, outcome: "patch_rejected", diff: null, errors },
      // Nothing was applied: what the last failure pointed at still matters, and lines the edit reached for unseen are shown next.
      previous: { diff: null, errors, formatRefused: FORMAT_REASONS.has(plan.reason), focus: mergeFocus(previous?.focus, unseenFocus(plan.unseen)) },
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

  private async abort(lastErrors: string[], reason: string): Promise<TaskOutcome> {
    const kept = this.options.keepFailed ? this.lastApplied : null;
    await this.gate.exclusive(async () => {
      await this.owned.restore();
      if (kept) await this.owned.write(kept.changes);
    });
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
