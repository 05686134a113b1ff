// Judges an attempt by its checks' results: which errors the attempt is to blame for.
import { diagnosticKey, formatDiagnostic, newSince } from "./diagnostics/compare.ts";
import type { Diagnostic } from "./diagnostics/diagnostic.ts";
import type { VerifyRun } from "./run.ts";

export interface Judgement {
  ok: boolean;
  /** Errors the attempt is blamed for, as one line each (tsc-like). */
  errors: string[];
  diagnostics: Diagnostic[];
  failedChecks: string[];
}

export interface JudgeOptions {
  /** The run before the first attempt; null judges every failure. */
  baseline: VerifyRun | null;
  /** Any failure counts, even one the workspace had before. */
  strict: boolean;
  owned: readonly string[];
}

/**
 * Judges an attempt's run. Against a failing baseline only new errors count (matched by file,
 * code and message, since lines shift), and a baseline error in an owned file must be gone:
 * the task owns that file, so fixing it is the task's job.
 */
export function judge(run: VerifyRun, options: JudgeOptions): Judgement {
  const blamed: Diagnostic[] = [];
  const failedChecks: string[] = [];
  const owned = new Set(options.owned);
  for (const check of run.checks) {
    if (check.ok || check.reason === "skipped") continue;
    const before = options.baseline?.checks.find((c) => c.name === check.name);
    let counted = check.diagnostics;
    if (!options.strict && before && !before.ok && check.reason !== "timeout") {
      const stillInOwned = check.diagnostics.filter(
        (d) => d.file !== null && owned.has(d.file) && before.diagnostics.some((b) => diagnosticKey(b) === diagnosticKey(d)),
      );
      counted = dedupe([...newSince(before.diagnostics, check.diagnostics), ...stillInOwned]);
    }
    if (counted.length > 0) {
      failedChecks.push(check.name);
      blamed.push(...counted);
    }
  }
  const ordered = [
    ...blamed.filter((d) => d.file !== null && owned.has(d.file)),
    ...blamed.filter((d) => d.file === null || !owned.has(d.file)),
  ];
  return { ok: failedChecks.length === 0, errors: ordered.map(formatDiagnostic), diagnostics: ordered, failedChecks };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<Diagnostic>();
  return list.filter((d) => (seen.has(d) ? false : (seen.add(d), true)));
}

/** Caps a list of error lines for events and prompts: whole lines, a count of what was cut. */
export function capErrors(errors: readonly string[], maxLines = 30, maxChars = 4_000): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, e] of errors.entries()) {
    const line = e.length > 500 ? `${e.slice(0, 500)}…` : e;
    if (out.length >= maxLines || used + line.length > maxChars) {
      out.push(`[... ${errors.length - i} more error${errors.length - i === 1 ? "" : "s"} not shown ...]`);
      break;
    }
    out.push(line);
    used += line.length;
  }
  return out;
}
