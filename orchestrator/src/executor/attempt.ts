// One attempt's model half: prompt, call (inside the tier's concurrency slot), and turn the
// reply into an edit plan. It never touches the workspace; the orchestrator applies the plan.
import type { Logger } from "pino";
import { countTextTokens, estimateTokens, fitPrompt, FULL_FEEDBACK_BUDGET, looksTruncated, tooLargeMessage } from "./budget.ts";
import { EMPTY_CONTEXT, type ContextBlock } from "./context/block.ts";
import { fitContext, promptTokens } from "./context/fit.ts";
import { DEFAULT_TIERS } from "../core/defaults.ts";
import type { EditPlan } from "../edits/contract.ts";
import { WHOLE_FILE_MAX_LINES } from "../edits/limits.ts";
import { planEdit } from "../edits/plan.ts";
import type { ModelClient, ModelFailure } from "./model-client.ts";
import { buildMessages, userPromptSections, type PreviousAttempt, type PromptInput } from "./prompt.ts";
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
  /** What the model is shown about the rest of the workspace (executor/context/gather.ts). */
  context?: ContextBlock;
}

export interface ExecutorDeps {
  client: ModelClient;
  limiter: TierLimiter;
  logger: Logger;
  tiers?: Record<Tier, TierSettings>;
  signal?: AbortSignal;
}

export type AttemptOutcome =
  | { kind: "edit"; reply: ModelReply; plan: EditPlan }
  | { kind: "model_failed"; failure: ModelFailure; model: string }
  | { kind: "too_large"; message: string };

export async function executeAttempt(input: AttemptInput, deps: ExecutorDeps): Promise<AttemptOutcome> {
  const settings = (deps.tiers ?? DEFAULT_TIERS)[input.tier];
  const prompt = (feedbackBudget: number, contextSections: readonly string[]): PromptInput => ({
    task: input.task,
    files: input.files,
    previous: input.previous,
    wholeFileMaxLines: WHOLE_FILE_MAX_LINES,
    feedbackBudget,
    contextSections,
  });
  // The context takes only what is left with the full feedback in: it is trimmed first.
  const context = fitContext({
    block: input.context ?? EMPTY_CONTEXT,
    build: (sections) => buildMessages(prompt(FULL_FEEDBACK_BUDGET, sections)),
    countMessages: estimateTokens,
    countText: countTextTokens,
    available: settings.contextWindow - settings.maxTokens,
  });
  const fit = fitPrompt((feedbackBudget) => buildMessages(prompt(feedbackBudget, context.sections)), settings.contextWindow, settings.maxTokens);
  if (!fit.ok) return { kind: "too_large", message: tooLargeMessage(fit, input.tier, settings.contextWindow, settings.maxTokens) };
  const tokensByPart = promptTokens(userPromptSections(prompt(fit.feedbackBudget, context.sections)), context, countTextTokens);

  const log = deps.logger;
  const result = await deps.limiter.run(
    input.tier,
    () => {
      emit(log, { event: "model_call_start", tier: input.tier, model: settings.model, attempt: input.attempt, tokensByPart });
      // The whole prompt, for the run log (kept down to debug level) and LOG_LEVEL=debug.
      emit(log, { event: "model_prompt", tier: input.tier, model: settings.model, attempt: input.attempt, messages: fit.messages });
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
    filesRead: input.task.filesRead,
    maxLines: input.maxPatchLines,
  });
  return { kind: "edit", reply: result, plan };
}
