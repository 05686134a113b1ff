// Which tier a task is on, as far as its prompt is concerned: where it starts (the routed tier,
// or the first above it whose window holds the prompt), and where it moves when the next prompt
// does not fit or the policy escalates, passing over tiers too small for it (tier_skipped). These
// choices weigh the prompt without its context, which only fills the room a tier has left.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import { TIERS, type Limits, type Task, type Tier } from "../core/types.ts";
import type { PromptFit } from "../executor/budget.ts";
import type { PreviousAttempt } from "../executor/prompt.ts";
import { escalationTarget } from "./policy.ts";
import { chooseTier, routeTask, startTier, type FitTable } from "./routing.ts";
import { fitOf, type TierFitter, tooLargeMessage } from "./tier-fits.ts";

export type Fitted = Extract<PromptFit, { ok: true }>;

/** No tier from `from` up holds the prompt: why, with every tier's numbers. */
export interface Stuck {
  stuck: true;
  from: Tier;
  message: string;
}

export class TierLadder {
  tier: Tier = "fast";
  /** The next attempt's prompt, when it was fitted already (while choosing its tier). */
  private next: Fitted | null = null;
  /** The last prompt fitted showed a file in part, around (among others) the baseline's errors. */
  private excerpted = false;

  constructor(
    private readonly fitter: TierFitter,
    private readonly log: Logger,
  ) {}

  /** The seed's routing, then the first tier from there up that holds the prompt (whole files first). Logs tier_selected. */
  async start(task: Task, limits: Limits): Promise<Stuck | null> {
    const route = chooseTier(task, limits);
    const fits: FitTable = {};
    const prompts = new Map<Tier, PromptFit>();
    for (const tier of TIERS.slice(TIERS.indexOf(route.tier))) {
      const p = await this.fitter.fit(tier, null);
      prompts.set(tier, p);
      fits[tier] = fitOf(p);
      if (fits[tier]!.holds === "whole") break; // nothing above can do better
    }
    const start = startTier(route, fits);
    this.tier = start?.tier ?? route.tier;
    routeTask(start ?? { ...route, reason: `${route.reason}; no tier's window holds the prompt` }, fits[this.tier]!.tokens, this.log);
    if (!start) return { stuck: true, from: route.tier, message: tooLargeMessage(fits, this.fitter.tiers, prompts) };
    const p = prompts.get(this.tier)!;
    // A prompt with every file whole does not depend on the baseline; excerpts show its errors.
    if (p.ok && p.excerpts.length === 0) this.next = p;
    this.excerpted = p.ok && p.excerpts.length > 0;
    return null;
  }

  /** Whether the next prompt can be built before the baseline is known (no file is shown in part). */
  get ready(): boolean {
    return this.next !== null || !this.excerpted;
  }

  /** The prompt for the current tier, with the context; one that outgrew it (a retry's feedback) moves the task up. */
  async prompt(previous: PreviousAttempt | null): Promise<Fitted | Stuck> {
    const ready = this.next;
    this.next = null;
    if (ready) return this.fitter.withContext(ready, this.tier);
    const fit = await this.fitter.fit(this.tier, previous);
    if (fit.ok) this.excerpted = fit.excerpts.length > 0;
    if (fit.ok) return this.fitter.withContext(fit, this.tier);
    const from = this.tier;
    if (await this.climb(previous, true)) {
      emit(this.log, { event: "escalation", fromTier: from, toTier: this.tier, reason: `the prompt no longer fits the ${from} tier's window` });
      return this.prompt(previous);
    }
    return { stuck: true, from, message: tooLargeMessage({ [from]: fitOf(fit) }, this.fitter.tiers, new Map([[from, fit]])) };
  }

  /** The policy's escalation: to the next tier up that holds the next prompt. False when none does. */
  async escalate(previous: PreviousAttempt, reason: string): Promise<boolean> {
    const from = this.tier;
    if (!(await this.climb(previous, false))) return false;
    emit(this.log, { event: "escalation", fromTier: from, toTier: this.tier, reason });
    return true;
  }

  /** Moves up to the next tier that holds the prompt, logging the ones passed over. */
  private async climb(previous: PreviousAttempt | null, including: boolean): Promise<boolean> {
    const fits: FitTable = {};
    let found: Fitted | null = null;
    for (const tier of TIERS.slice(TIERS.indexOf(this.tier) + (including ? 0 : 1))) {
      const p = await this.fitter.fit(tier, previous);
      fits[tier] = fitOf(p);
      if (p.ok) {
        found = p;
        break;
      }
    }
    const target = escalationTarget(this.tier, fits, including);
    for (const tier of target.skipped) {
      const f = fits[tier]!;
      const reason = `the prompt (${f.tokens} tokens) does not fit the ${tier} tier's window (${f.available} left for the prompt), even with files shown in part`;
      emit(this.log, { event: "tier_skipped", tier, reason, promptTokens: f.tokens, available: f.available });
    }
    if (!target.to) return false;
    this.tier = target.to;
    this.next = found;
    return true;
  }
}
