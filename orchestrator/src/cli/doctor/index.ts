// `smol-coder doctor`: checks everything a run needs, one line per check, each failure with one
// concrete fix: the resolved configuration, the proxy, one one-token call per tier through it (the
// only way to see that the proxy reaches Ollama and Ollama has the models), Ollama's own model
// list when it answers here, the tools, the workspace's scripts and the state and log dirs. Pure
// apart from the probes it is asked to make: HTTP (injectable fetch and model client), PATH
// look-ups (injectable which), the workspace's package.json and a probe file in the state and log
// dirs. Never throws; never prints the API key. The exit code is the CLI's decision (ok only
// when every check passes).
import { createModelClient } from "../../executor/model-client.ts";
import { tierCallChecks } from "./calls.ts";
import { CHECK_NAMES, crashed, errText, type DoctorCheck, type DoctorContext, type DoctorOptions } from "./check.ts";
import { configCheck } from "./config.ts";
import { ollamaModelsCheck } from "./ollama.ts";
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
const DEFAULT_CALL_TIMEOUT_MS = 300_000;

/** One step of doctor: the checks it reports (none, one or several) and their names should it crash. */
interface DoctorStep {
  names: readonly string[];
  run(ctx: DoctorContext): DoctorCheck[] | Promise<DoctorCheck[]>;
}

/** Every step, in the order their lines are printed. */
const STEPS: readonly DoctorStep[] = [
  { names: [CHECK_NAMES.config], run: (ctx) => [configCheck(ctx)] },
  {
    names: [CHECK_NAMES.reachable, CHECK_NAMES.apiKey, CHECK_NAMES.models, CHECK_NAMES.fast, CHECK_NAMES.deep, CHECK_NAMES.reviewer],
    run: async (ctx) => {
      const server = await serverChecks(ctx);
      // A missing model name does not block the calls: the other tiers' are still worth making.
      const blocker = server.find((c) => !c.ok && c.name !== CHECK_NAMES.models);
      return [...server, ...(await tierCallChecks(ctx, blocker))];
    },
  },
  { names: [CHECK_NAMES.ollama], run: async (ctx) => [await ollamaModelsCheck(ctx)] },
  { names: [CHECK_NAMES.patch], run: (ctx) => [toolCheck(CHECK_NAMES.patch, ctx.which)] },
  { names: [CHECK_NAMES.git], run: (ctx) => [toolCheck(CHECK_NAMES.git, ctx.which)] },
  {
    names: [CHECK_NAMES.workspace],
    run: async (ctx) => (ctx.workspace === undefined ? [] : [await workspaceCheck(ctx.workspace, ctx.verifyScripts)]),
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
    callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    client:
      options.client ??
      // No retries: doctor reports what a first call meets, at once.
      createModelClient({ baseURL: options.litellmUrl, apiKey: options.apiKey, timeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, maxRetries: 0 }),
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
