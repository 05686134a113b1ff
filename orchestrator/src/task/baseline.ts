// The verification run before the first attempt. It tells the errors the workspace already had
// from the ones an attempt introduces. It runs under the workspace lock (another task's
// unverified edit must not be in it), and it is cached per workspace state, since it costs as
// much as an attempt's checks.
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import type { WorkspaceGate } from "../concurrency/types.ts";
import type { BaselineCache } from "../verify/baseline-cache.ts";
import { capErrors, judge } from "../verify/judge.ts";
import type { CheckPlan } from "../verify/plan.ts";
import type { VerifyRun } from "../verify/run.ts";
import { logCheckResults } from "./check-events.ts";

export interface BaselineOptions {
  root: string;
  plan: CheckPlan;
  owned: readonly string[];
  verify: () => Promise<VerifyRun>;
  gate: WorkspaceGate;
  cache?: BaselineCache;
  signal?: AbortSignal;
  logger: Logger;
}

/** Null when there is nothing to check, or when the run was interrupted. */
export async function takeBaseline(options: BaselineOptions): Promise<VerifyRun | null> {
  if (options.plan.checks.length === 0) return null;
  const { run, cached } = await options.gate.exclusive(() => cachedRun(options));
  if (options.signal?.aborted) return null;
  const b = judge(run, { baseline: null, strict: true, owned: options.owned });
  emit(options.logger, {
    event: "verification_baseline",
    ok: b.ok,
    cached,
    errorCount: b.errors.length,
    errors: capErrors(b.errors),
    failedChecks: b.failedChecks,
    durationMs: run.durationMs,
  });
  return run;
}

async function cachedRun(options: BaselineOptions): Promise<{ run: VerifyRun; cached: boolean }> {
  const { cache } = options;
  // A cache that fails only costs the run it would have saved.
  const key = cache ? await cache.key(options.root, options.plan).catch(() => null) : null;
  const hit = key ? await cache!.get(key) : null;
  if (hit) return { run: hit, cached: true };
  const run = await options.verify();
  logCheckResults(options.logger, 0, run);
  if (key && !options.signal?.aborted && isLasting(run)) await cache!.put(key, run).catch(() => {});
  return { run, cached: false };
}

/**
 * Whether a baseline run says something lasting about the workspace, worth caching: every check
 * ran to its end, and every failed one printed errors a parser recognised. A check that failed
 * with nothing recognisable most likely could not run (a missing tool, a broken install, a wrong
 * command); once the user fixes that the files are the same, and a cached run would hide the fix.
 */
export function isLasting(run: VerifyRun): boolean {
  return run.checks.every((c) => c.reason === "exit" && (c.ok || c.diagnostics.some((d) => d.tool !== "unknown")));
}

/** A baseline taken in the background, so the first model call can go out while it runs. */
export interface RunningBaseline {
  /** The baseline run; null when there is nothing to check, or when it was stopped or interrupted. */
  readonly result: Promise<VerifyRun | null>;
  readonly done: boolean;
  /** Ends its checks if they still run (a task that ends without judging an edit), and waits for them. */
  stop(): Promise<void>;
}

export interface StartOptions extends Omit<BaselineOptions, "verify"> {
  /** Runs the checks; `signal` stops them when stop() is called or the run's own signal fires. */
  verify: (signal: AbortSignal) => Promise<VerifyRun>;
  /** Told once the baseline has settled, whichever way. */
  onSettled?: () => void;
}

export function startBaseline(options: StartOptions): RunningBaseline {
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  let done = false;
  const result = takeBaseline({ ...options, signal, verify: () => options.verify(signal) }).finally(() => {
    done = true;
    options.onSettled?.();
  });
  // Awaited by the first edit or by stop(); until then a failure must not count as unhandled.
  result.catch(() => {});
  return {
    result,
    get done() {
      return done;
    },
    async stop() {
      stopper.abort();
      await result.catch(() => {});
    },
  };
}
