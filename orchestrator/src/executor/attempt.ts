// One attempt's model half: the call with a prompt already fitted to the tier (inside the tier's
// concurrency slot), and the reply turned into an edit plan. It never touches the workspace; the
// task loop applies the plan.
import type { Logger } from "pino";
import type { PromptFit } from "./budget.ts";
import { DEFAULT_TIERS } from "../core/defaults.ts";
import type { EditPlan } from "../edits/contract.ts";
import { planEdit } from "../edits/plan.ts";
import type { ModelClient, ModelFailure } from "./model-client.ts";
import type { ChatMessage } from "./prompt.ts";
import type { TokenCounters } from "./tokens/counter.ts";
import { cacheableTokens, looksTruncated } from "./truncation.ts";
import type { SlotObserver as WarmObserver, TierLimiter } from "../concurrency/types.ts";
import { emit } from "../core/telemetry.ts";
import type { LineRange, ModelReply, Task, Tier, TierSettings } from "../core/types.ts";

export interface AttemptInput {
  task: Task;
  attempt: number;
  tier: Tier;
  files: ReadonlyMap<string, string | null>;
  /** The prompt, fitted to this tier's window (budget.ts). */
  prompt: Extract<PromptFit, { ok: true }>;
  /** The prompt this task last sent to the same model: a server may have its start cached. */
  sentBefore: readonly ChatMessage[] | null;
  maxPatchLines: number;
}

export interface ExecutorDeps {
  client: ModelClient;
  limiter: TierLimiter;
  logger: Logger;
  tiers?: Record<Tier, TierSettings>;
  /** One per process: Qwen's tokenizer is loaded once, on the first prompt. */
  tokens?: TokenCounters;
  signal?: AbortSignal;
  /** Told when the call queues for its slot and when it goes out. */
  onSlot?: (state: "queued" | "calling") => void;
}

export type AttemptOutcome =
  | { kind: "edit"; reply: ModelReply; plan: EditPlan }
  /** usage: what a reply that was cut off still cost. */
  | { kind: "model_failed"; failure: ModelFailure; model: string; usage?: ModelReply["usage"] };

export async function executeAttempt(input: AttemptInput, deps: ExecutorDeps): Promise<AttemptOutcome> {
  const settings = (deps.tiers ?? DEFAULT_TIERS)[input.tier];
  const { prompt } = input;
  const log = deps.logger;
  const result = await deps.limiter.run(
    input.tier,
    () => {
      deps.onSlot?.("calling");
      emit(log, {
        event: "model_call_start",
        tier: input.tier,
        model: settings.model,
        attempt: input.attempt,
        promptTokens: prompt.tokens,
        tokenizer: prompt.tokenizer,
        tokensByPart: prompt.tokensByPart,
      });
      // The whole request, for the run log (it keeps debug) and LOG_LEVEL=debug.
      emit(log, { event: "model_prompt", tier: input.tier, model: settings.model, attempt: input.attempt, messages: prompt.messages });
      return deps.client.complete({
        model: settings.model,
        messages: prompt.messages,
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
  const cacheable = cacheableTokens(prompt.messages, prompt.tokens, prompt.systemTokens, input.sentBefore);
  if (looksTruncated({ tokens: prompt.tokens, exact: prompt.tokenizer !== "estimate", cacheable, reported: result.usage.promptTokens })) {
    emit(log, {
      event: "prompt_truncated",
      tier: input.tier,
      model: settings.model,
      attempt: input.attempt,
      promptTokens: prompt.tokens,
      tokenizer: prompt.tokenizer,
      reportedTokens: result.usage.promptTokens,
      contextWindow: settings.contextWindow,
    });
  }
  const plan = await planEdit({
    reply: result.content,
    current: input.files,
    filesOwned: input.task.filesOwned,
    filesRead: input.task.filesRead,
    maxLines: input.maxPatchLines,
    description: input.task.description,
    shown: shownRanges(prompt),
  });
  return { kind: "edit", reply: result, plan };
}

/** Why a reply that arrived is not whole, or null when it is. */
export function cutOffMessage(finishReason: string | null, maxTokens: number): string | null {
  if (finishReason === "length") return `the reply was cut off at max_tokens (${maxTokens} tokens) before it was complete; none of it was applied`;
  if (finishReason === null) return "the reply stream ended without a finish_reason, so the reply may be incomplete; none of it was applied";
  return null;
}

/** The lines shown of each file the prompt showed in part; files shown whole are not in it. */
function shownRanges(prompt: Extract<PromptFit, { ok: true }>): ReadonlyMap<string, readonly LineRange[]> | undefined {
  return prompt.excerpts.length === 0 ? undefined : new Map(prompt.excerpts.map((e) => [e.file, e.shown]));
}
