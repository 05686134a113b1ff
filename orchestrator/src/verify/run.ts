// Runs the workspace's checks. Results are data: a failed check is `{ ok: false, ... }` with
// the real error lines, never an exception.
import type { CheckPlan, CheckSpec } from "./plan.ts";
import type { Diagnostic, Tool } from "./diagnostics/diagnostic.ts";
import { parseDiagnostics } from "./diagnostics/registry.ts";
import { runCommand, type CommandRunner, type RunResult } from "./process.ts";

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
const CHECK_ENV = { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0", TERM: "dumb" } as const;

const TOOL_HINT: Record<string, Tool> = { typecheck: "tsc", lint: "eslint", build: "vite" };

/** Runs every planned check, independent ones at the same time. */
export async function runChecks(workspace: string, plan: CheckPlan, options: VerifyOptions = {}): Promise<VerifyRun> {
  const started = performance.now();
  const results = new Map<string, Promise<CheckResult>>();

  const runOne = async (check: CheckSpec): Promise<CheckResult> => {
    const gates = await Promise.all(check.after.map((name) => results.get(name)));
    const failedGate = gates.find((g) => g && !g.ok);
    if (failedGate) return skippedResult(check.name, `skipped: it would repeat the ${failedGate.name} errors`);
    if (options.signal?.aborted) return skippedResult(check.name, "skipped: interrupted");
    return runCheck(workspace, check, options);
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

async function runCheck(workspace: string, check: CheckSpec, options: VerifyOptions): Promise<CheckResult> {
  const runner = options.runner ?? runCommand;
  const [command, args] = withPriority(check);
  const run = await runner(command, args, {
    niceness: check.priority === "low" ? 10 : undefined,
    cwd: workspace,
    timeoutMs: check.timeoutMs,
    env: { ...CHECK_ENV, ...options.env },
    signal: options.signal,
  });
  return {
    name: check.name,
    ok: run.ok,
    reason: run.reason,
    exitCode: run.exitCode,
    durationMs: run.durationMs,
    diagnostics: diagnose(workspace, check, run),
    outputTail: tail(run.output, 40),
  };
}

/** The errors of a finished check: those in its output, or one line that says why there are none. */
function diagnose(workspace: string, check: CheckSpec, run: RunResult): Diagnostic[] {
  if (run.reason === "timeout") return [synthetic(check.name, `${check.name} timed out after ${check.timeoutMs} ms and was killed`)];
  if (run.ok) return [];
  const errors = parseDiagnostics(run.output, {
    cwd: workspace,
    hint: TOOL_HINT[check.name],
    exitCode: run.exitCode ?? 1,
  }).filter((d) => d.severity === "error");
  if (errors.length > 0) return errors;
  return [synthetic(check.name, `${check.name} failed (exit ${run.exitCode ?? run.reason}) without error lines`)];
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
