// This machine may be shared (other sessions' tests and benches): before each timed run, wait
// until other processes keep less than QUIET_CORES busy over one second, spending at most what
// is left of a wait budget for the whole bench. It never touches the checks; the "other load"
// column reports what other processes did during the timed runs all the same.
import { machineBusyMs, selfCpuMs } from "../lib/machine.ts";

export const QUIET_CORES = 0.15;
export const QUIET_WAIT_BUDGET_MS = 45_000;

export interface QuietWaiter {
  /** Resolves once the machine is quiet, or at once when the budget is spent. */
  wait(): Promise<void>;
  /** How long the bench has waited so far. */
  waitedMs(): number;
}

export function createQuietWaiter(budgetMs = QUIET_WAIT_BUDGET_MS): QuietWaiter {
  const budget = { leftMs: budgetMs, waitedMs: 0 };
  return {
    async wait() {
      while (true) {
        const busyBefore = machineBusyMs();
        const selfBefore = selfCpuMs();
        const started = performance.now();
        await Bun.sleep(1000);
        const elapsed = performance.now() - started;
        const load = (machineBusyMs() - busyBefore - (selfCpuMs() - selfBefore)) / elapsed;
        if (load < QUIET_CORES || budget.leftMs <= 0) return;
        budget.leftMs -= elapsed;
        budget.waitedMs += elapsed;
      }
    },
    waitedMs: () => budget.waitedMs,
  };
}
