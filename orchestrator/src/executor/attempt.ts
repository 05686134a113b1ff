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
}

export type AttemptOutcome = { kind: "edit"; reply: ModelReply; plan: EditPlan } | { kind: "model_failed"; failure: ModelFailure; model: string };

export async function executeAttempt(input: AttemptInput, deps: ExecutorDeps): Promise<AttemptOutcome> {
  const settings = (deps.tiers ?? DEFAULT_TIERS)[input.tier];
  const { prompt } = input;
  const log = deps.logger;
  const result = await deps.limiter.run(
    input.tier,
    () => {
      emit(log, {
        event: "model_call_start",
        tier: input.tier,
        model: settings.model,
        attempt: input.attempt,
        promptTokens: prompt.tokens,
        tokenizer: prompt.tokenizer,
      });
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
        // Next round of takers: get the client ready now, while the CPU waits with us. Earlier
        // would compete with the tasks that hold the slots (many CLIs start on few cores).
        if (info.position <= info.limit) deps.client.prepare?.();
      },
      onAcquired: (waitedMs) => emit(log, { event: "slot_acquired", tier: input.tier, waitedMs }),
      onDeferred: (busyTiers) => emit(log, { event: "tier_deferred", tier: input.tier, busyTiers }),
      onResumed: (waitedMs) => emit(log, { event: "tier_resumed", tier: input.tier, waitedMs }),
    } satisfies WarmObserver,
  );
  if (!result.ok) return { kind: "model_failed", failure: result, model: settings.model };

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
    maxLines: input.maxPatchLines,
    shown: shownRanges(prompt),
  });
  return { kind: "edit", reply: result, plan };
}

/** The lines shown of each file the prompt showed in part; files shown whole are not in it. */
function shownRanges(prompt: Extract<PromptFit, { ok: true }>): ReadonlyMap<string, readonly LineRange[]> | undefined {
  return prompt.excerpts.length === 0 ? undefined : new Map(prompt.excerpts.map((e) => [e.file, e.shown]));
}
