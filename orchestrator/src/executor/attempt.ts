// One attempt's model half: prompt, call (inside the tier's concurrency slot), and turn the
// reply into an edit plan. It never touches the workspace; the orchestrator applies the plan.
import type { Logger } from "pino";
import { fitPrompt, looksTruncated, tooLargeMessage } from "./budget.ts";
import { DEFAULT_TIERS } from "../core/defaults.ts";
import type { EditPlan } from "../edits/contract.ts";
import { WHOLE_FILE_MAX_LINES } from "../edits/limits.ts";
import { planEdit } from "../edits/plan.ts";
import type { ModelClient, ModelFailure } from "./model-client.ts";
import { buildMessages, type PreviousAttempt } from "./prompt.ts";
import type { SlotObserver as WarmObserver, TierLimiter } from "../concurrency/types.ts";
import { emit } from "../core/telemetry.ts";
import type { ModelReply, Task, Tier, TierSettings } from "../core/types.ts";

export interface AttemptInput {
  task: Task;
  attempt: number;
  tier: Tier;
  files: ReadonlyMap<string, string | null>;
  previous: PreviousAttempt | null;
  maxPatchLines: number;
}

export interface ExecutorDeps {
  client: ModelClient;
  limiter: TierLimiter;
  logger: Logger;
  tiers?: Record<Tier, TierSettings>;
  signal?: AbortSignal;
  /** Told when the call queues for its slot and when it goes out. */
  onSlot?: (state: "queued" | "calling") => void;
}

export type AttemptOutcome =
  | { kind: "edit"; reply: ModelReply; plan: EditPlan }
  /** usage: what a reply that was cut off still cost. */
  | { kind: "model_failed"; failure: ModelFailure; model: string; usage?: ModelReply["usage"] }
  | { kind: "too_large"; message: string };

export async function executeAttempt(input: AttemptInput, deps: ExecutorDeps): Promise<AttemptOutcome> {
  const settings = (deps.tiers ?? DEFAULT_TIERS)[input.tier];
  const fit = fitPrompt(
    (feedbackBudget) =>
      buildMessages({
        task: input.task,
        files: input.files,
        previous: input.previous,
        wholeFileMaxLines: WHOLE_FILE_MAX_LINES,
        feedbackBudget,
      }),
    settings.contextWindow,
    settings.maxTokens,
  );
  if (!fit.ok) return { kind: "too_large", message: tooLargeMessage(fit, input.tier, settings.contextWindow, settings.maxTokens) };

  const log = deps.logger;
  const result = await deps.limiter.run(
    input.tier,
    () => {
      deps.onSlot?.("calling");
      emit(log, { event: "model_call_start", tier: input.tier, model: settings.model, attempt: input.attempt });
      return deps.client.complete({
        model: settings.model,
        messages: fit.messages,
        temperature: settings.temperature,
        maxTokens: settings.maxTokens,
        signal: deps.signal,
        onRetry: (info) =>
          emit(log, { event: "model_call_retry", tier: input.tier, model: settings.model, attempt: input.attempt, ...info }),
      });
    },
    {
      onQueued: (info) => {
        emit(log, { event: "slot_wait", tier: input.tier, ...info });
        deps.onSlot?.("queued");
        // Next round of takers: get the client ready now, while the CPU waits with us. Earlier
        // would compete with the tasks that hold the slots (many CLIs start on few cores).
        if (info.position <= info.limit) deps.client.prepare?.();
      },
      onAcquired: (waitedMs) => emit(log, { event: "slot_acquired", tier: input.tier, waitedMs }),
      onDeferred: (busyTiers) => {
        emit(log, { event: "tier_deferred", tier: input.tier, busyTiers });
        deps.onSlot?.("queued");
      },
      onResumed: (waitedMs) => emit(log, { event: "tier_resumed", tier: input.tier, waitedMs }),
    } satisfies WarmObserver,
  );
  const call = { tier: input.tier, model: settings.model, attempt: input.attempt };
  if (!result.ok) {
    emit(log, { event: "model_call_failed", ...call, reason: result.reason, status: result.status, message: result.message, durationMs: result.durationMs, tokens: 0 });
    return { kind: "model_failed", failure: result, model: settings.model };
  }
  const cut = cutOffMessage(result.finishReason, settings.maxTokens);
  if (cut) {
    // Half a reply is never applied: a two-file edit cut between its files would land one file.
    const failure: ModelFailure = { ok: false, reason: "cut_off", message: cut, status: null, durationMs: result.durationMs };
    emit(log, { event: "model_call_failed", ...call, reason: "cut_off", status: null, message: cut, durationMs: result.durationMs, tokens: result.usage.totalTokens });
    return { kind: "model_failed", failure, model: settings.model, usage: result.usage };
  }

  emit(log, {
    event: "model_call_complete",
    tier: input.tier,
    model: settings.model,
    attempt: input.attempt,
    tokens: result.usage.totalTokens,
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    durationMs: result.durationMs,
  });
  emit(log, { event: "model_reply", tier: input.tier, model: settings.model, attempt: input.attempt, content: result.content });
  if (looksTruncated(fit.estimate, result.usage.promptTokens)) {
    emit(log, {
      event: "prompt_truncated",
      tier: input.tier,
      model: settings.model,
      attempt: input.attempt,
      estimatedTokens: fit.estimate,
      reportedTokens: result.usage.promptTokens,
      contextWindow: settings.contextWindow,
    });
  }
  const plan = await planEdit({
    reply: result.content,
    current: input.files,
    filesOwned: input.task.filesOwned,
    maxLines: input.maxPatchLines,
    description: input.task.description,
  });
  return { kind: "edit", reply: result, plan };
}

/** Why a reply that arrived is not whole, or null when it is. */
export function cutOffMessage(finishReason: string | null, maxTokens: number): string | null {
  if (finishReason === "length") return `the reply was cut off at max_tokens (${maxTokens} tokens) before it was complete; none of it was applied`;
  if (finishReason === null) return "the reply stream ended without a finish_reason, so the reply may be incomplete; none of it was applied";
  return null;
}
