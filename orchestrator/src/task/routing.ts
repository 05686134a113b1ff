// Picks the tier a task starts on.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import type { Limits, Task, Tier } from "../core/types.ts";

export interface Route {
  tier: Tier;
  reason: string;
}

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

/** Chooses the tier and logs the decision exactly as it is returned. */
export function routeTask(task: Task, limits: Limits, logger: Logger): Route {
  const route = chooseTier(task, limits);
  emit(logger, { event: "tier_selected", ...route });
  return route;
}
