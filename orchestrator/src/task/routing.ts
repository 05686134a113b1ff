// Picks the tier a task starts on: by the task's size (the seed's rules), then by whether the
// tier's window holds the prompt. Pure, so it reads and tests as a table; routeTask logs it.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import { TIERS, type Limits, type Task, type Tier } from "../core/types.ts";

export interface Route {
  tier: Tier;
  reason: string;
}

/** How a tier's window holds a task's prompt: with every file whole, with big files shown in part, or not at all. */
export interface TierFit {
  holds: "whole" | "excerpts" | "none";
  /** The prompt's tokens: the one sent when it holds, else the smallest that could be built. */
  tokens: number;
  /** What the window leaves for the prompt: contextWindow - maxTokens. */
  available: number;
}

export type FitTable = Partial<Record<Tier, TierFit>>;

/** Rules are tried in order; the last one always matches. */
export function chooseTier(task: Task, limits: Pick<Limits, "deepStartFiles" | "deepStartChars">): Route {
  const files = task.filesOwned.length;
  if (files > limits.deepStartFiles) {
    return { tier: "deep", reason: `${files} files owned (more than ${limits.deepStartFiles})` };
  }
  const chars = task.description.length;
  if (chars > limits.deepStartChars) {
    return { tier: "deep", reason: `description is ${chars} characters (more than ${limits.deepStartChars})` };
  }
  return { tier: "fast", reason: "default" };
}

/**
 * Where the task really starts: the routed tier when its window holds the prompt with every file
 * whole, else the first tier above it that does (seeing the files whole beats seeing them in
 * part); when none does, the first from the routed one up that holds it with files shown in part.
 * Null when no tier holds it at all.
 */
export function startTier(route: Route, fits: FitTable): Route | null {
  const candidates = TIERS.slice(TIERS.indexOf(route.tier));
  const at = (t: Tier) => fits[t];
  const whole = candidates.find((t) => at(t)?.holds === "whole");
  if (whole === route.tier) return route;
  if (whole) return { tier: whole, reason: `${route.reason}; ${whyNot(route.tier, at(route.tier))}, ${whole}'s holds it${heldWhole(at(route.tier), at(whole)!)}` };
  const part = candidates.find((t) => at(t)?.holds === "excerpts");
  if (!part) return null;
  return { tier: part, reason: `${route.reason}; no tier's window holds the files whole, so the biggest are shown as an outline and excerpts` };
}

/** Why the routed tier is passed over. Its fit's tokens are those of the prompt it could send: in part, when it holds the files only so. */
function whyNot(tier: Tier, fit: TierFit | undefined): string {
  if (!fit) return "";
  if (fit.holds === "excerpts") {
    return `the files do not fit the ${tier} tier's window whole (${fit.available} left for the prompt; shown in part, ${fit.tokens} tokens)`;
  }
  return `the prompt (${fit.tokens} tokens) does not fit the ${tier} tier's window (${fit.available} left for the prompt)`;
}

function heldWhole(first: TierFit | undefined, whole: TierFit): string {
  return first?.holds === "excerpts" ? ` whole (${whole.tokens} tokens)` : "";
}

/** Chooses the tier and logs the decision exactly as it is returned. */
export function routeTask(route: Route, promptTokens: number, logger: Logger): Route {
  emit(logger, { event: "tier_selected", ...route, promptTokens });
  return route;
}
