// The swarm bench's modes, the tier limit they are measured against, and its target.
import { DEFAULT_LIMITS } from "../../orchestrator/src/core/defaults.ts";

export const FAST_LIMIT = DEFAULT_LIMITS.concurrency.fast;
export const TARGET_RATIO = 1.2;
/**
 * processes: N CLI processes started at once, model replies after the fixed delay.
 * held:      the same, but every reply is held until all N processes are queued for a slot or
 *            calling, so bun start-up is out of the makespan and only the hand-offs remain.
 * batch:     one CLI process with the N tasks as a JSON array.
 */
export type Mode = "processes" | "held" | "batch";

export const MODE_LABEL: Record<Mode, (n: number) => string> = {
  processes: (n) => `${n} processes`,
  held: (n) => `${n} processes, replies held until all queued`,
  batch: () => "1 batch process",
};

/** The makespan if the fast tier were kept full all the time: ceil(N / limit) rounds of the delay. */
export const idealMs = (n: number, delayMs: number): number => Math.ceil(n / FAST_LIMIT) * delayMs;
