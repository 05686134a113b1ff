// A task's prompt, fitted to each tier's window: what routing and escalation decide on (does the
// tier hold it, whole or in part?) and what an attempt sends, with the context in the room it
// leaves. Counting goes through the process's one TokenCounters, so Qwen's tokenizer is loaded
// on the first prompt, never at start-up.
import { DEFAULT_CONTEXT, DEFAULT_TIERS } from "../core/defaults.ts";
import type { Task, Tier, TierSettings } from "../core/types.ts";
import { fitPrompt, outlineCache, type OutlineSource, type PromptFit } from "../executor/budget.ts";
import { EMPTY_CONTEXT, type ContextBlock } from "../executor/context/block.ts";
import { fitContext } from "../executor/context/fit.ts";
import { gatherContext } from "../executor/context/gather.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import { createTokenCounters, type TokenCounters } from "../executor/tokens/counter.ts";
import { outlineOf } from "../source/outline.ts";
import type { VerifyRun } from "../verify/run.ts";
import type { OwnedFiles } from "../workspace/owned-files.ts";
import type { FitTable, TierFit } from "./routing.ts";
import type { RunTaskOptions } from "./run-options.ts";

export interface TierFitterOptions {
  task: Task;
  /** The owned files as they were before the task. */
  files: ReadonlyMap<string, string | null>;
  tiers: Record<Tier, TierSettings>;
  counters: TokenCounters;
  outline?: OutlineSource;
  /** What the model is shown of the rest of the workspace (none when absent). */
  context?: Promise<ContextBlock>;
}

/**
 * The fitter of a task that runs on `owned`. Its context starts being gathered now, while the
 * first prompt is fitted and the baseline runs; the first prompt sent waits for it.
 */
export function taskFitter(options: RunTaskOptions, owned: OwnedFiles): TierFitter {
  const { task, deps } = options;
  const outline = outlineCache(outlineOf);
  const settings = options.context ?? DEFAULT_CONTEXT;
  const context = gatherContext({ root: owned.root, task, files: owned.original, settings }, { cache: deps.contextCache, outline }).catch(
    // Gathering says what it cannot read in the prompt; anything else must not fail the task either.
    (err: unknown): ContextBlock => ({ ...EMPTY_CONTEXT, problems: [`the context could not be gathered: ${(err as Error)?.message ?? String(err)}`] }),
  );
  const tiers = deps.tiers ?? DEFAULT_TIERS;
  return new TierFitter({ task, files: owned.original, tiers, counters: deps.tokens ?? createTokenCounters(), outline, context });
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

  /** The prompt an attempt at `tier` sends: `fit` with the context in the room it leaves. */
  async withContext(fit: Extract<PromptFit, { ok: true }>, tier: Tier): Promise<Extract<PromptFit, { ok: true }>> {
    if (!this.options.context) return fit;
    const counter = await this.options.counters.load(this.options.tiers[tier].tokenizer);
    return fitContext(fit, await this.options.context, counter);
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
