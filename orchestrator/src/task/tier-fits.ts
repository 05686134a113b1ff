// A task's prompt, fitted to each tier's window: what routing and escalation decide on (does the
// tier hold it, whole or in part?) and what an attempt sends. Counting goes through the process's
// one TokenCounters, so Qwen's tokenizer is loaded on the first prompt, never at start-up.
import type { Task, Tier, TierSettings } from "../core/types.ts";
import { fitPrompt, outlineCache, type OutlineSource, type PromptFit } from "../executor/budget.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import type { TokenCounters } from "../executor/tokens/counter.ts";
import { outlineOf } from "../source/outline.ts";
import type { VerifyRun } from "../verify/run.ts";
import type { FitTable, TierFit } from "./routing.ts";

export interface TierFitterOptions {
  task: Task;
  /** The owned files as they were before the task. */
  files: ReadonlyMap<string, string | null>;
  tiers: Record<Tier, TierSettings>;
  counters: TokenCounters;
  outline?: OutlineSource;
}

export class TierFitter {
  private baselineLines = new Map<string, number[]>();
  private readonly outline: OutlineSource;

  constructor(private readonly options: TierFitterOptions) {
    this.outline = options.outline ?? outlineCache(outlineOf);
  }

  get tiers(): Record<Tier, TierSettings> {
    return this.options.tiers;
  }

  /** Excerpts of a file shown in part include the lines the baseline's errors point at. */
  useBaseline(run: VerifyRun | null): void {
    const owned = new Set(this.options.task.filesOwned);
    for (const d of run?.checks.flatMap((c) => c.diagnostics) ?? []) {
      if (d.file === null || d.line === null || !owned.has(d.file)) continue;
      this.baselineLines.set(d.file, [...(this.baselineLines.get(d.file) ?? []), d.line]);
    }
  }

  async fit(tier: Tier, previous: PreviousAttempt | null): Promise<PromptFit> {
    const settings = this.options.tiers[tier];
    const counter = await this.options.counters.load(settings.tokenizer);
    const source = { task: this.options.task, files: this.options.files, previous, baselineLines: this.baselineLines };
    return fitPrompt(source, settings, counter, this.outline);
  }

  /** The fits of several tiers, for routing or escalation to choose from. */
  async table(tiers: readonly Tier[], previous: PreviousAttempt | null): Promise<{ fits: FitTable; prompts: Map<Tier, PromptFit> }> {
    const fits: FitTable = {};
    const prompts = new Map<Tier, PromptFit>();
    for (const tier of tiers) {
      const p = await this.fit(tier, previous);
      prompts.set(tier, p);
      fits[tier] = fitOf(p);
    }
    return { fits, prompts };
  }
}

export function fitOf(p: PromptFit): TierFit {
  return { holds: !p.ok ? "none" : p.excerpts.length > 0 ? "excerpts" : "whole", tokens: p.tokens, available: p.available };
}

/** Why no tier can take the task, with every tier's numbers and what to change. */
export function tooLargeMessage(fits: FitTable, tiers: Record<Tier, TierSettings>, prompts: ReadonlyMap<Tier, PromptFit>): string {
  const rows = Object.entries(fits).map(([tier, f]) => {
    const s = tiers[tier as Tier];
    return `${tier}: ${f.tokens} tokens, but its context window is ${s.contextWindow} tokens with ${s.maxTokens} kept for the reply (${f.available} left for the prompt)`;
  });
  const excerpted = [...prompts.values()].flatMap((p) => (p.ok ? [] : p.excerpted));
  const inPart = excerpted.length > 0 ? `, even with ${[...new Set(excerpted)].join(", ")} shown as an outline and excerpts` : "";
  const counted = [...prompts.values()].some((p) => p.tokenizer === "estimate") ? "counted (or, for a model of unknown tokenizer, estimated)" : "counted with Qwen's tokenizer";
  return (
    `the prompt does not fit any tier's context window${inPart} (${counted}): ${rows.join("; ")}. ` +
    `Shorten the description or own fewer or smaller files, or raise a window: set tiers.<tier>.contextWindow in smol-coder.config.json ` +
    `and num_ctx for that model in litellm/config.yaml to the same larger number.`
  );
}
