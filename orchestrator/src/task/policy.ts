// The escalation rules as one pure function, so they can be read and tested as a table.
import { TIERS, type AttemptRecord, type Decision, type Tier } from "../core/types.ts";
import type { FitTable } from "./routing.ts";

export interface PolicyLimits {
  attemptsPerTier: number;
  maxTotalAttempts: number;
}

/** The tier after `tier`, or null at the top of the ladder. */
export function nextTier(tier: Tier): Tier | null {
  return TIERS[TIERS.indexOf(tier) + 1] ?? null;
}

/**
 * Decides what follows a finished attempt. `history` holds the attempts before `result`.
 * A rejected patch is a failed attempt like any other: it used the model's turn.
 */
export function decide(history: readonly AttemptRecord[], result: AttemptRecord, limits: PolicyLimits): Decision {
  if (result.outcome === "verification_pass") {
    throw new Error("decide() is for failed attempts; a passing attempt ends the task");
  }
  const all = [...history, result];
  if (all.length >= limits.maxTotalAttempts) return "abort";
  const failuresHere = all.filter((a) => a.tier === result.tier).length;
  if (failuresHere < limits.attemptsPerTier) return "retry";
  return nextTier(result.tier) ? "escalate" : "abort";
}

/** The reason an escalation is logged with, e.g. "2 failures at fast tier". */
export function escalationReason(history: readonly AttemptRecord[], tier: Tier): string {
  const n = history.filter((a) => a.tier === tier).length;
  return `${n} failure${n === 1 ? "" : "s"} at ${tier} tier`;
}

export interface EscalationTarget {
  /** The tier to move to, or null when no tier above holds the prompt. */
  to: Tier | null;
  /** Tiers passed over on the way: their window cannot hold the prompt, even with files shown in part. */
  skipped: Tier[];
}

/**
 * Where escalation from `from` goes: the next tier up whose window holds the next prompt (`fits`
 * has the tiers above `from`). With `including`, `from` itself is tried first: a retry whose
 * prompt outgrew its tier.
 */
export function escalationTarget(from: Tier, fits: FitTable, including = false): EscalationTarget {
  const skipped: Tier[] = [];
  for (const tier of TIERS.slice(TIERS.indexOf(from) + (including ? 0 : 1))) {
    if (fits[tier] && fits[tier]!.holds !== "none") return { to: tier, skipped };
    skipped.push(tier);
  }
  return { to: null, skipped };
}
