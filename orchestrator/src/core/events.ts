// Every event smol-coder logs, in one union. The first group is the seed's table; the rest
// are the few extra events the issues ask for. Adding a field here is the only way to log it,
// which keeps the README's event table honest.
import type { Tier } from "./types.ts";

/** Tokens of the prompt that went to each kind of content (by the prompt budget's count). */
export interface PromptTokensByPart {
  owned: number;
  readOnly: number;
  imports: number;
  facts: number;
  feedback: number;
}

export interface TokenTotals {
  prompt: number;
  completion: number;
  total: number;
}

export type SmolEvent =
  | { event: "orchestrator_startup"; litellmUrl: string; workspace: string; version: string }
  | { event: "task_created"; tier: Tier; description: string; files: string[] }
  | { event: "tier_selected"; tier: Tier; reason: string }
  | { event: "slot_wait"; tier: Tier; position: number; holders: number; limit: number }
  | { event: "slot_acquired"; tier: Tier; waitedMs: number }
  | { event: "tier_deferred"; tier: Tier; busyTiers: Tier[] }
  | { event: "tier_resumed"; tier: Tier; waitedMs: number }
  | { event: "model_call_start"; tier: Tier; model: string; attempt: number; tokensByPart: PromptTokensByPart }
  | { event: "model_prompt"; tier: Tier; model: string; attempt: number; messages: Array<{ role: string; content: string }> }
  | {
      event: "model_call_complete";
      tier: Tier;
      model: string;
      attempt: number;
      tokens: number;
      promptTokens: number;
      completionTokens: number;
      durationMs: number;
    }
  | {
      event: "model_call_retry";
      tier: Tier;
      model: string;
      attempt: number;
      retry: number;
      waitMs: number;
      status: number | null;
      reason: string;
    }
  | {
      event: "prompt_truncated";
      tier: Tier;
      model: string;
      attempt: number;
      estimatedTokens: number;
      reportedTokens: number;
      contextWindow: number;
    }
  | { event: "patch_applied"; tier: Tier; attempt: number; linesChanged: number; files: string[]; strategy: string }
  | { event: "patch_rejected"; tier: Tier; attempt: number; reason: string; detail: string }
  | { event: "verification_start"; attempt: number; checks: string[] }
  | {
      event: "verification_baseline";
      ok: boolean;
      /** Taken from the cache: the workspace had not changed since that run. */
      cached: boolean;
      errorCount: number;
      errors: string[];
      failedChecks: string[];
      durationMs: number;
    }
  | { event: "verification_skipped"; attempt: number; check: string; reason: string }
  | { event: "verification_pass"; attempt: number; durationMs: number }
  | {
      event: "verification_fail";
      attempt: number;
      errorCount: number;
      errors: string[];
      failedChecks: string[];
      durationMs: number;
    }
  | { event: "escalation"; fromTier: Tier; toTier: Tier; reason: string }
  | {
      event: "task_complete";
      totalAttempts: number;
      finalTier: Tier;
      durationMs: number;
      tokens: TokenTotals;
      tokensByTier: Record<Tier, TokenTotals>;
      files: string[];
      /** False when the task ran without any check (--no-checks, or verify.scripts: []). */
      verified: boolean;
    }
  | RunSummaryEvent
  | {
      event: "task_abort";
      totalAttempts: number;
      finalTier: Tier;
      lastErrors: string[];
      reason: string;
      durationMs: number;
      tokens: TokenTotals;
      tokensByTier: Record<Tier, TokenTotals>;
    };

/** Logged once at the end of a run, over all its tasks. */
export interface RunSummaryEvent {
  event: "run_summary";
  tasks: number;
  done: number;
  /** Of the done tasks, how many no check verified. */
  unverified: number;
  aborted: number;
  failed: number;
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  tokens: TokenTotals;
  tokensByTier: Record<Tier, TokenTotals>;
  wallMs: number;
}

export type EventName = SmolEvent["event"];

/** The level each event is logged at, so that `LOG_LEVEL=warn` still shows failures. */
export const EVENT_LEVEL: Record<EventName, "debug" | "info" | "warn" | "error"> = {
  orchestrator_startup: "info",
  task_created: "info",
  tier_selected: "info",
  slot_wait: "info",
  slot_acquired: "info",
  tier_deferred: "info",
  tier_resumed: "info",
  model_call_start: "info",
  // Whole prompts are long: in the run log (which keeps debug), on stdout only with LOG_LEVEL=debug.
  model_prompt: "debug",
  model_call_complete: "info",
  model_call_retry: "warn",
  prompt_truncated: "warn",
  patch_applied: "info",
  patch_rejected: "warn",
  verification_start: "info",
  verification_baseline: "info",
  verification_skipped: "info",
  verification_pass: "info",
  verification_fail: "warn",
  escalation: "info",
  task_complete: "info",
  task_abort: "error",
  run_summary: "info",
};
