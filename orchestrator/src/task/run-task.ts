// The task loop: fit the prompt and pick the tier (the context is gathered meanwhile), then
// attempts (the first one while the baseline runs) until one passes or the policy gives up.
// Each attempt asks the model, applies the edit, verifies it and keeps or undoes it. Every
// attempt starts from the files exactly as they were before the task, so each diff applies to
// the content its prompt showed, and an abort leaves the workspace byte for byte as it was.
import type { Logger } from "pino";
import { DEFAULT_TIERS } from "../core/defaults.ts";
import { emit } from "../core/telemetry.ts";
import type { Tier } from "../core/types.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import { createLocalGate } from "../concurrency/workspace-gate.ts";
import type { Rejection } from "../edits/contract.ts";
import type { AttemptOutcome } from "../executor/attempt.ts";
import { executeAttempt } from "../executor/attempt.ts";
import { isUnavailable } from "../executor/model-faults.ts";
import type { ChatMessage, PreviousAttempt } from "../executor/prompt.ts";
import { runChecks, type VerifyRun } from "../verify/run.ts";
import { cannotRunMessage, checksThatCannotRun } from "../verify/runnable.ts";
import { hashOwnedFiles, type FileHashes } from "../workspace/fingerprint.ts";
import { openOwnedFiles, type OwnedFiles, type WriteResult } from "../workspace/owned-files.ts";
import { applyAndVerify, type Verification } from "./apply-verify.ts";
import { commitAttempt } from "./commit-refusal.ts";
import { startBaseline, type RunningBaseline } from "./baseline.ts";
import { excerptEvent } from "./excerpt-event.ts";
import { mergeFocus, unseenFocus } from "./focus.ts";
import type { TaskOutcome } from "./outcomes.ts";
import { PhaseReporter } from "./phase.ts";
import { decide, escalationReason } from "./policy.ts";
import { chooseTier } from "./routing.ts";
import { CUT_OFF_ADVICE, FORMAT_REASONS, NOTHING_KEPT, type InFlight, type RunTaskOptions, type Step } from "./run-options.ts";
import { TaskTally } from "./tally.ts";
import { taskFitter, type TierFitter } from "./tier-fits.ts";
import { TierLadder, type Fitted } from "./tier-ladder.ts";

/** A task's outcome, and its owned files as it left them (read while they were still its own). */
export type TaskEnd = TaskOutcome & { filesLeft: FileHashes };

export async function runTask(options: RunTaskOptions): Promise<TaskEnd> {
  const { task, deps } = options;
  const gate = deps.gate ?? createLocalGate();
  const phases = new PhaseReporter(deps.onPhase);
  const releaseFiles = await gate.claimFiles(task.filesOwned, () => phases.set("waiting", chooseTier(task, options.limits).tier, 0));
  try {
    // Another process may have held these files and been killed with its edit in them: its
    // journal is finished first, so that edit is never read as the original.
    await deps.recover?.();
    const owned = await openOwnedFiles(options.workspace, task.filesOwned, { stateDir: deps.stateDir, live: deps.liveFiles });
    const outcome = await new TaskRun(options, owned, gate, phases).run();
    // A file that cannot be read back only means a later --resume runs this task again.
    return { ...outcome, filesLeft: await hashOwnedFiles(owned.root, task.filesOwned).catch(() => ({})) };
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
  /** The baseline, running or done (see startBaseline). */
  private baseline: RunningBaseline | null = null;

  constructor(
    private readonly options: RunTaskOptions,
    private readonly owned: OwnedFiles,
    private readonly gate: WorkspaceGate,
    private readonly phases: PhaseReporter,
  ) {
    this.log = options.deps.logger;
    this.tally = new TaskTally(options.deps.now ?? (() => performance.now()));
    this.fitter = taskFitter(options, owned);
    this.ladder = new TierLadder(this.fitter, this.log);
  }

  private get tier(): Tier {
    return this.ladder.tier;
  }

  async run(): Promise<TaskOutcome> {
    try {
      return await this.loop();
    } finally {
      this.phases.set("done", this.tier, this.tally.history.length);
    }
  }

  private async loop(): Promise<TaskOutcome> {
    try {
      return await this.steps();
    } catch (err) {
      await this.stopBaseline();
      // Whatever broke, the user's files go back first; the error then travels on to the CLI.
      // The journal stays when they could not be put back, for the next run to finish the job.
      const back = await this.owned.restore().catch(() => null);
      if (back?.ok) await this.owned.finish();
      throw err;
    }
  }

  /** Puts the files back and, once they are, drops the journal. */
  private async restored(): Promise<WriteResult> {
    const back = await this.owned.restore();
    if (back.ok) await this.owned.finish();
    return back;
  }

  private get aborted(): boolean {
    return this.options.deps.signal?.aborted ?? false;
  }

  private async steps(): Promise<TaskOutcome> {
    const { task } = this.options;
    // Before the baseline: a task no tier can hold ends here, with no check run and no model called.
    const stuck = await this.ladder.start(task, this.options.limits);
    emit(this.log, { event: "task_created", tier: this.tier, description: task.description, files: task.filesOwned });
    if (stuck) return this.tooLarge(stuck.message);
    const down = await this.checkServer();
    if (down) return down;
    // The first call goes out while the baseline runs: the model needs only the files, and the
    // baseline is needed only to judge the first edit. The first attempt then costs the longer
    // of the two, not their sum.
    this.startBaseline();
    try {
      return await this.attempts();
    } finally {
      await this.stopBaseline();
    }
  }

  private async attempts(): Promise<TaskOutcome> {
    let previous: PreviousAttempt | null = null;
    for (let attempt = 1; ; attempt++) {
      // A file shown in part is excerpted around the baseline's errors: that prompt waits for them.
      if (!this.ladder.ready) await this.baselineResult();
      const prompt = await this.ladder.prompt(previous);
      if ("stuck" in prompt) {
        if (this.tally.history.length === 0) return this.tooLarge(prompt.message);
        return this.abort(previous?.errors ?? [], `no tier from ${prompt.from} up has a window that holds the prompt`);
      }
      const step = await this.attempt(attempt, previous, prompt);
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

  /** The baseline's run, once it is done; the fitter then knows its errors. */
  private async baselineResult(): Promise<VerifyRun | null> {
    const baseline = await this.baseline!.result;
    this.fitter.useBaseline(baseline);
    return baseline;
  }

  /** A server that is not there ends the task before the baseline is spent on it. */
  private async checkServer(): Promise<TaskOutcome | null> {
    const { deps } = this.options;
    if (!deps.client.reachable) return null;
    const tier = this.tier;
    const model = (deps.tiers ?? DEFAULT_TIERS)[tier].model;
    const reach = await deps.client.reachable({
      signal: deps.signal,
      onRetry: (info) => emit(this.log, { event: "model_call_retry", tier, model, attempt: 1, ...info }),
    });
    if (reach.ok) return null;
    const step = await this.modelFailed(1, tier, { kind: "model_failed", failure: reach, model }, null);
    return "end" in step ? step.end : null;
  }

  /** Starts the baseline's checks; the first edit waits for the result. */
  private startBaseline(): void {
    const { deps, checks: plan } = this.options;
    for (const s of plan.skipped) emit(this.log, { event: "verification_skipped", attempt: 0, ...s });
    const running = plan.checks.length > 0;
    if (running) this.phases.baseline(true, this.tier);
    this.baseline = startBaseline({
      root: this.owned.root,
      plan,
      owned: this.options.task.filesOwned,
      verify: (signal) => runChecks(this.owned.root, plan, { runner: deps.runner, signal }),
      gate: this.gate,
      cache: deps.baselineCache,
      signal: deps.signal,
      logger: this.log,
      onSettled: () => running && this.phases.baseline(false, this.tier),
    });
  }

  private async stopBaseline(): Promise<void> {
    await this.baseline?.stop();
  }

  /** One attempt: the model's turn, then the workspace's verdict on what it wrote. */
  private async attempt(attempt: number, previous: PreviousAttempt | null, prompt: Fitted): Promise<Step> {
    const { task, limits, deps } = this.options;
    const tier = this.tier;
    const onSlot = (state: "queued" | "calling") => this.phases.set(state, tier, attempt);
    if (prompt.excerpts.length > 0) emit(this.log, excerptEvent(tier, attempt, prompt.excerpts));
    const sentBefore = this.sent.get(tier) ?? null;
    this.sent.set(tier, prompt.messages);
    const input = { task, attempt, tier, files: this.owned.original, prompt, sentBefore, maxPatchLines: limits.maxPatchLines };
    const outcome = await executeAttempt(input, { ...deps, onSlot });
    // A reply that arrived was paid for, even when the run stops before it is used.
    if (outcome.kind === "edit") this.tally.addUsage(tier, outcome.reply.usage);
    if (this.aborted) return { end: await this.interrupted({ attempt, tier }) };
    switch (outcome.kind) {
      case "model_failed":
        return this.modelFailed(attempt, tier, outcome, previous);
      case "edit":
        if (!outcome.plan.ok) return this.rejected(attempt, tier, outcome.plan, previous);
        return this.verifyEdit(attempt, tier, outcome.plan);
    }
  }

  private tooLarge(message: string): TaskOutcome {
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [message], reason: "prompt_too_large", ...NOTHING_KEPT });
    return { status: "too_large", message, ...this.tally.summary(this.tier) };
  }

  private async modelFailed(
    attempt: number,
    tier: Tier,
    outcome: Extract<AttemptOutcome, { kind: "model_failed" }>,
    previous: PreviousAttempt | null,
  ): Promise<Step> {
    const f = outcome.failure;
    if (outcome.usage) this.tally.addUsage(tier, outcome.usage);
    if (f.reason === "aborted") return { end: await this.interrupted({ attempt, tier }) };
    if (isUnavailable(f.reason)) {
      emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [f.message], reason: `model_${f.reason}`, ...NOTHING_KEPT });
      const end: TaskOutcome = { status: "unavailable", reason: f.reason, message: f.message, model: outcome.model, ...this.tally.summary(this.tier) };
      return { end: f.ollamaModel ? { ...end, ollamaModel: f.ollamaModel } : end };
    }
    // A timeout, a stall, a broken stream, a cut-off reply or a server error after its retries
    // is the model failing this attempt.
    const errors = [f.reason === "cut_off" ? `reply cut off: ${f.message}. ${CUT_OFF_ADVICE}` : `model call failed (${f.reason}): ${f.message}`];
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
  ): Promise<Step> {
    const { deps, task } = this.options;
    // The baseline holds the workspace while it runs, so waiting for it is waiting for the workspace.
    if (!this.baseline!.done) this.phases.set("waiting", tier, attempt);
    const baseline = await this.baselineResult();
    if (this.aborted) return { end: await this.interrupted({ attempt, tier, diff: plan.diff }) };
    const cannotRun = checksThatCannotRun(baseline);
    if (cannotRun.length > 0) return { end: await this.workspaceFailed(null, { file: "package.json", message: cannotRunMessage(cannotRun) }) };
    const checks = this.options.checks;
    const verification: Verification = {
      checkNames: checks.checks.map((c) => c.name),
      run: () => runChecks(this.owned.root, checks, { runner: deps.runner, signal: deps.signal }),
      baseline,
    };
    const dryRun = this.options.dryRun ?? false;
    const result = await applyAndVerify({
      plan,
      attempt,
      tier,
      owned: this.owned,
      gate: this.gate,
      verification,
      strict: this.options.strict ?? false,
      dryRun,
      filesOwned: task.filesOwned,
      commit: deps.committer ? (files) => commitAttempt(deps.committer!, this.tally.summary(tier), files, this.options.checks.checks.length > 0, deps.signal) : undefined,
      signal: deps.signal,
      logger: this.log,
      onApplied: (changes) => (this.lastApplied = { changes, diff: plan.diff }),
      onPhase: (phase) => this.phases.set(phase, tier, attempt),
    });
    if (result.kind === "interrupted") return { end: await this.interrupted({ attempt, tier, diff: plan.diff }) };
    if (result.kind === "write_failed") return { end: await this.workspaceFailed({ attempt, tier, diff: plan.diff }, result) };
    if (result.kind === "passed") {
      // Kept (or, in a dry run, already put back): the files are final.
      await this.owned.finish();
      this.tally.record({ attempt, tier, outcome: "verification_pass", diff: plan.diff, errors: [] });
      const verified = this.options.checks.checks.length > 0;
      emit(this.log, { event: "task_complete", ...this.tally.closing(this.tier), files: result.files, verified, dryRun });
      return { end: { status: "complete", files: result.files, diff: plan.diff, verified, dryRun, commit: result.commit, ...this.tally.summary(this.tier) } };
    }
    return { record: { attempt, tier, outcome: "verification_fail", diff: plan.diff, errors: result.errors }, previous: result.previous };
  }

  private async abort(lastErrors: string[], reason: string): Promise<TaskOutcome> {
    // The baseline holds the workspace while it runs; an abort before any edit needs it no more.
    await this.stopBaseline();
    const kept = this.options.keepFailed ? this.lastApplied : null;
    const back = await this.gate.exclusive(async () => {
      const restored = await this.owned.restore();
      return restored.ok && kept ? this.owned.write(kept.changes) : restored;
    });
    if (!back.ok) return this.workspaceFailed(null, back);
    await this.owned.finish();
    const keptFiles = kept ? [...kept.changes.keys()] : [];
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors, reason, keptFailed: kept !== null, keptFiles });
    return { status: "aborted", lastErrors, reason, diff: kept?.diff ?? null, keptFiles, ...this.tally.summary(this.tier) };
  }

  /** The run was stopped: the attempt in flight (if any) counts, and the files go back. */
  private async interrupted(inFlight: InFlight | null): Promise<TaskOutcome> {
    if (inFlight) this.tally.record({ ...inFlight, diff: inFlight.diff ?? null, outcome: "interrupted", errors: [] });
    // Without the workspace lock: an interrupted run must not wait for another process's checks,
    // and the edit was already undone under the lock, so this writes only if something is off.
    const back = await this.restored();
    if (!back.ok) return this.workspaceFailed(null, back);
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [], reason: "interrupted", ...NOTHING_KEPT });
    return { status: "interrupted", ...this.tally.summary(this.tier) };
  }

  /** The workspace is the problem (a write it refused, a check it cannot run): the task ends, its files put back where they can be. */
  private async workspaceFailed(inFlight: InFlight | null, failure: { file: string; message: string }): Promise<TaskOutcome> {
    if (inFlight) this.tally.record({ ...inFlight, diff: inFlight.diff ?? null, outcome: "write_failed", errors: [failure.message] });
    // The commit rolled its own files back; this puts back anything an earlier step left.
    const back = await this.restored();
    const message = back.ok || back.file === failure.file ? failure.message : `${failure.message} ${back.message}`;
    emit(this.log, { event: "task_abort", ...this.tally.closing(this.tier), lastErrors: [message], reason: "workspace_error", ...NOTHING_KEPT });
    return { status: "workspace_error", file: failure.file, message, ...this.tally.summary(this.tier) };
  }
}
