// What a task has spent so far: its attempts and its tokens per tier. The closing events and the
// outcome's summary are both read from here, so they can never disagree.
import type { TokenTotals } from "../core/events.ts";
import { TIERS, type AttemptRecord, type ModelReply, type Tier } from "../core/types.ts";
import type { TaskSummary, TokensByTier } from "./outcomes.ts";

export class TaskTally {
  readonly history: AttemptRecord[] = [];
  private readonly tokensByTier = Object.fromEntries(TIERS.map((t) => [t, zeroTokens()])) as TokensByTier;

  constructor(
    private readonly now: () => number,
    private readonly started = now(),
  ) {}

  addUsage(tier: Tier, usage: ModelReply["usage"]): void {
    addTokens(this.tokensByTier[tier], usage);
  }

  record(attempt: AttemptRecord): void {
    this.history.push(attempt);
  }

  summary(finalTier: Tier): TaskSummary {
    const attemptsByTier = Object.fromEntries(TIERS.map((t) => [t, this.history.filter((a) => a.tier === t).length])) as Record<Tier, number>;
    const tokens = zeroTokens();
    for (const t of TIERS) {
      const spent = this.tokensByTier[t];
      addTokens(tokens, { promptTokens: spent.prompt, completionTokens: spent.completion, totalTokens: spent.total });
    }
    return {
      attempts: this.history.length,
      attemptsByTier,
      finalTier,
      durationMs: Math.round(this.now() - this.started),
      tokens,
      tokensByTier: this.tokensByTier,
    };
  }

  /** The fields task_complete and task_abort share. */
  closing(finalTier: Tier) {
    const s = this.summary(finalTier);
    return { totalAttempts: s.attempts, finalTier: s.finalTier, durationMs: s.durationMs, tokens: s.tokens, tokensByTier: s.tokensByTier };
  }
}

function zeroTokens(): TokenTotals {
  return { prompt: 0, completion: 0, total: 0 };
}

function addTokens(into: TokenTotals, usage: ModelReply["usage"]): void {
  into.prompt += usage.promptTokens;
  into.completion += usage.completionTokens;
  into.total += usage.totalTokens;
}
