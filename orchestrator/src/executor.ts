// One attempt's model half: prompt, call (inside the tier's concurrency slot), and turn the
// reply into an edit plan. It never touches the workspace; the orchestrator applies the plan.
import type { Logger } from "pino";
import { planEdit, type EditPlan, WHOLE_FILE_MAX_LINES } from "./edits/index.ts";
import type { ModelClient, ModelFailure } from "./model.ts";
import { buildMessages, type PreviousAttempt } from "./prompt.ts";
import type { TierLimiter } from "./router.ts";
import { emit } from "./telemetry.ts";
import { MODEL_FOR_TIER, type ModelReply, type Task, type Tier } from "./types.ts";

export interface TierSettings {
  model: string;
  temperature?: number;
  maxTokens?: number;
}

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
  tiers?: Partial<Record<Tier, TierSettings>>;
  signal?: AbortSignal;
}

export type AttemptOutcome =
  | { kind: "edit"; reply: ModelReply; plan: EditPlan }
  | { kind: "model_failed"; failure: ModelFailure; model: string };

export async function executeAttempt(input: AttemptInput, deps: ExecutorDeps): Promise<AttemptOutcome> {
  const settings = deps.tiers?.[input.tier] ?? { model: MODEL_FOR_TIER[input.tier] };
  const messages = buildMessages({
    task: input.task,
    files: input.files,
    previous: input.previous,
    wholeFileMaxLines: WHOLE_FILE_MAX_LINES,
  });
  const result = await deps.limiter.run(input.tier, () => {
    emit(deps.logger, { event: "model_call_start", tier: input.tier, model: settings.model, attempt: input.attempt });
    return deps.client.complete({
      model: settings.model,
      messages,
      temperature: settings.temperature,
      maxTokens: settings.maxTokens,
      signal: deps.signal,
      onRetry: (info) =>
        emit(deps.logger, { event: "model_call_retry", tier: input.tier, model: settings.model, attempt: input.attempt, ...info }),
    });
  }, {
    onQueued: (info) => emit(deps.logger, { event: "slot_wait", tier: input.tier, ...info }),
    onAcquired: (waitedMs) => emit(deps.logger, { event: "slot_acquired", tier: input.tier, waitedMs }),
  });
  if (!result.ok) return { kind: "model_failed", failure: result, model: settings.model };

  emit(deps.logger, {
    event: "model_call_complete",
    tier: input.tier,
    model: settings.model,
    attempt: input.attempt,
    tokens: result.usage.totalTokens,
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    durationMs: result.durationMs,
  });
  const plan = await planEdit({
    reply: result.content,
    current: input.files,
    filesOwned: input.task.filesOwned,
    maxLines: input.maxPatchLines,
  });
  return { kind: "edit", reply: result, plan };
}
