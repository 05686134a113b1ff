// `smol-coder doctor`: checks everything a run needs before a model is ever called, one
// line per check, each failure with one concrete fix. Pure apart from the probes it is
// asked to make: HTTP (injectable fetch), PATH look-ups (injectable which), the workspace's
// package.json and a probe file in the state and log dirs. Never throws; never prints the
// API key. The exit code is the CLI's decision (ok only when every check passes).
import { CHECK_NAMES, crashed, errText, type DoctorCheck, type DoctorContext, type DoctorOptions } from "./check.ts";
import { makeRedactor } from "./probe.ts";
import { serverChecks } from "./server.ts";
import { toolCheck } from "./tools.ts";
import { workspaceCheck } from "./workspace.ts";
import { writableCheck } from "./writable.ts";

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

const DEFAULT_PROBE_TIMEOUT_MS = 5000;

/** One step of doctor: the checks it reports (none, one or several) and their names should it crash. */
interface DoctorStep {
  names: readonly string[];
  run(ctx: DoctorContext): DoctorCheck[] | Promise<DoctorCheck[]>;
}

/** Every step, in the order their lines are printed. */
const STEPS: readonly DoctorStep[] = [
  { names: [CHECK_NAMES.reachable, CHECK_NAMES.apiKey, CHECK_NAMES.models], run: serverChecks },
  { names: [CHECK_NAMES.patch], run: (ctx) => [toolCheck(CHECK_NAMES.patch, ctx.which)] },
  { names: [CHECK_NAMES.git], run: (ctx) => [toolCheck(CHECK_NAMES.git, ctx.which)] },
  {
    names: [CHECK_NAMES.workspace],
    run: async (ctx) => (ctx.workspace === undefined ? [] : [await workspaceCheck(ctx.workspace)]),
  },
  { names: [CHECK_NAMES.stateDir], run: async (ctx) => [await writableCheck(CHECK_NAMES.stateDir, ctx.stateDir, null)] },
  { names: [CHECK_NAMES.logDir], run: async (ctx) => [await writableCheck(CHECK_NAMES.logDir, ctx.logDir, "SMOL_LOG_DIR")] },
];

/** A step that throws becomes a failed check for each of its names, so doctor itself never throws. */
async function runStep(step: DoctorStep, ctx: DoctorContext): Promise<DoctorCheck[]> {
  try {
    return await step.run(ctx);
  } catch (err) {
    const message = ctx.redact(errText(err));
    return step.names.map((name) => crashed(name, message));
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const ctx: DoctorContext = {
    ...options,
    fetch: options.fetch ?? globalThis.fetch,
    which: options.which ?? ((cmd: string) => Bun.which(cmd)),
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    redact: makeRedactor(options.apiKey),
  };
  // The steps run at once (the probes are the slow part); their lines keep STEPS' order.
  const checks = (await Promise.all(STEPS.map((step) => runStep(step, ctx)))).flat();
  return { ok: checks.every((c) => c.ok), checks };
}

export function formatDoctor(result: DoctorResult): string {
  const width = Math.max(0, ...result.checks.map((c) => c.name.length));
  const lines = result.checks.map((c) => {
    const head = `${(c.ok ? "ok" : "FAIL").padEnd(5)}${c.name.padEnd(width + 2)}${c.detail}`;
    return c.ok ? head : `${head} — fix: ${c.fix ?? "see the detail above."}`;
  });
  const failed = result.checks.filter((c) => !c.ok);
  const total = result.checks.length;
  lines.push(
    failed.length === 0
      ? `all ${total} checks passed`
      : `${failed.length} of ${total} checks failed: ${failed.map((c) => c.name).join(", ")}`,
  );
  return lines.join("\n");
}
