// Runs the workspace's checks and judges an attempt by them. Results are data: a failed check
// is `{ ok: false, ... }` with the real error lines, never an exception.
import type { CheckPlan, CheckSpec } from "./plan.ts";
import { diagnosticKey, formatDiagnostic, newSince, parseDiagnostics, type Diagnostic, type Tool } from "./diagnostics/index.ts";
import { runCommand, type CommandRunner } from "./process.ts";

export interface CheckResult {
  name: string;
  ok: boolean;
  reason: "exit" | "timeout" | "aborted" | "spawn_error" | "skipped";
  exitCode: number | null;
  durationMs: number;
  diagnostics: Diagnostic[];
  /** The last lines of output, for logs and for the raw fallback. */
  outputTail: string;
}

export interface VerifyRun {
  ok: boolean;
  checks: CheckResult[];
  durationMs: number;
}

export interface VerifyOptions {
  runner?: CommandRunner;
  /** Run checks one after another instead of together (benchmarks compare the two). */
  sequential?: boolean;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
}

/** Environment that makes tools print plain, parseable text and never wait for input. */
export const CHECK_ENV = { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0", TERM: "dumb" } as const;

const TOOL_HINT: Record<string, Tool> = { typecheck: "tsc", lint: "eslint", build: "vite" };

/** Runs every planned check, independent ones at the same time. */
export async function runChecks(workspace: string, plan: CheckPlan, options: VerifyOptions = {}): Promise<VerifyRun> {
  const runner = options.runner ?? runCommand;
  const started = performance.now();
  const results = new Map<string, Promise<CheckResult>>();

  const runOne = async (check: CheckSpec): Promise<CheckResult> => {
    const gates = await Promise.all(check.after.map((name) => results.get(name)));
    const failedGate = gates.find((g) => g && !g.ok);
    if (failedGate) return skippedResult(check.name, `skipped: it would repeat the ${failedGate.name} errors`);
    if (options.signal?.aborted) return skippedResult(check.name, "skipped: interrupted");
    const [command, args] = withPriority(check);
    const run = await runner(command, args, {
      niceness: check.priority === "low" ? 10 : undefined,
      cwd: workspace,
      timeoutMs: check.timeoutMs,
      env: { ...CHECK_ENV, ...options.env },
      signal: options.signal,
    });
    const ok = run.ok;
    let diagnostics: Diagnostic[] = [];
    if (run.reason === "timeout") {
      diagnostics = [synthetic(check.name, `${check.name} timed out after ${check.timeoutMs} ms and was killed`)];
    } else if (!ok) {
      diagnostics = parseDiagnostics(run.output, {
        cwd: workspace,
        hint: TOOL_HINT[check.name],
        exitCode: run.exitCode ?? 1,
      }).filter((d) => d.severity === "error");
      if (diagnostics.length === 0) {
        diagnostics = [synthetic(check.name, `${check.name} failed (exit ${run.exitCode ?? run.reason}) without error lines`)];
      }
    }
    return {
      name: check.name,
      ok,
      reason: run.reason,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      diagnostics,
      outputTail: tail(run.output, 40),
    };
  };

  let previous: Promise<unknown> = Promise.resolve();
  for (const check of plan.checks) {
    const result = options.sequential ? previous.then(() => runOne(check)) : runOne(check);
    results.set(check.name, result);
    previous = result;
  }
  const checks = await Promise.all(results.values());
  return {
    ok: checks.every((c) => c.ok || c.reason === "skipped"),
    checks,
    durationMs: Math.round(performance.now() - started),
  };
}

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
      counted = [...newSince(before.diagnostics, check.diagnostics), ...stillInOwned];
      counted = dedupe(counted);
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

/** The baseline errors a task must make disappear, because they sit in its own files. */
export function ownedBaselineErrors(baseline: VerifyRun | null, owned: readonly string[]): Diagnostic[] {
  if (!baseline) return [];
  const set = new Set(owned);
  return baseline.checks.flatMap((c) => c.diagnostics.filter((d) => d.file !== null && set.has(d.file)));
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<Diagnostic>();
  return list.filter((d) => (seen.has(d) ? false : (seen.add(d), true)));
}

const NICE = Bun.which("nice");

/** A low-priority check runs under `nice`; where there is no `nice`, it simply runs. */
function withPriority(check: CheckSpec): [string, string[]] {
  if (check.priority !== "low" || !NICE) return [check.command, check.args];
  return [NICE, ["-n", "10", check.command, ...check.args]];
}

function skippedResult(name: string, why: string): CheckResult {
  return { name, ok: false, reason: "skipped", exitCode: null, durationMs: 0, diagnostics: [], outputTail: why };
}

function synthetic(check: string, message: string): Diagnostic {
  return { tool: "unknown", file: null, line: null, col: null, code: check, message, severity: "error", raw: message };
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
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
