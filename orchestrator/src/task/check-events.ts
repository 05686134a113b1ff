// One debug line per check that ran, with the tail of its output: what a post-mortem needs when
// verification_fail's parsed errors do not explain a failure (or a pass).
import type { Logger } from "pino";
import { emit } from "../core/telemetry.ts";
import type { VerifyRun } from "../verify/run.ts";

export function logCheckResults(logger: Logger, attempt: number, run: VerifyRun): void {
  for (const c of run.checks) {
    if (c.reason === "skipped") continue;
    emit(logger, {
      event: "check_result",
      attempt,
      check: c.name,
      ok: c.ok,
      reason: c.reason,
      exitCode: c.exitCode,
      durationMs: c.durationMs,
      output: c.outputTail,
    });
  }
}
