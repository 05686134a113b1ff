#!/usr/bin/env bun
// The CLI shell: reads flags, env, config and tasks, wires the real collaborators together,
// and is the one place where an outcome or a FatalError becomes an exit code.
import { randomUUID } from "node:crypto";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import { createBaselineCache } from "./verify/baseline-cache.ts";
import { parseCliArgs, parseEnv, parseTasks, readTaskText, USAGE, type CliArgs } from "./cli/args.ts";
import { loadConfig, type ResolvedConfig } from "./core/config.ts";
import { EXIT, FatalError, InputError, InterruptedError, ModelUnavailableError } from "./core/errors.ts";
import { defaultStateDir, openLeaseStore } from "./concurrency/lease-store.ts";
import { pruneLogs } from "./run/log-files.ts";
import { createModelClient } from "./executor/model-client.ts";
import type { TaskOutcome } from "./task/run-task.ts";
import { appendStepSummary, writeResultFile } from "./run/results.ts";
import { runBatch } from "./run/batch.ts";
import { createLeaseGate, createLeaseLimiter } from "./concurrency/lease-limiter.ts";
import { createStatusBoard } from "./cli/status-board.ts";
import { createWarmLimiter } from "./concurrency/warm.ts";
import { createTelemetry, emit } from "./core/telemetry.ts";
import { MODEL_FOR_TIER, type Env } from "./core/types.ts";
import { resolveWorkspace } from "./workspace/owned-files.ts";

const DEFAULT_LOG_DIR = path.resolve(import.meta.dir, "..", "..", "logs");

export async function main(argv: readonly string[], rawEnv: Record<string, string | undefined>): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.command === "version") {
    process.stdout.write(`smol-coder ${pkg.version}\n`);
    return EXIT.ok;
  }
  const env = parseEnv(rawEnv);
  if (args.command === "doctor") return runDoctorCommand(env, rawEnv, args.workspace);

  const origin = args.file ?? "stdin";
  const stdin = { isTTY: process.stdin.isTTY, text: () => Bun.stdin.text() };
  const tasks = parseTasks(await readTaskText({ file: args.file, stdin }), origin);
  const workspace = await resolveWorkspace(args.workspace!);
  const config = await loadConfig({
    workspace,
    flags: { config: args.config, strict: args.strict, verifyTimeoutMs: args.verifyTimeoutMs },
    env,
    rawEnv,
  });
  return runTasks(args, env, config, tasks, workspace);
}

async function runTasks(
  args: CliArgs,
  env: Env,
  config: ResolvedConfig,
  tasks: Parameters<typeof runBatch>[0]["tasks"],
  workspace: string,
): Promise<number> {
  const runId = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const logDir = config.logs.dir ?? DEFAULT_LOG_DIR;
  const labels = new Map<string, string>();
  const board = createStatusBoard(process.stderr, labels);
  const telemetry = createTelemetry({
    level: env.LOG_LEVEL,
    pretty: Boolean(process.stdout.isTTY) && env.NODE_ENV !== "production",
    logDir,
    runId,
    // Logs and the status board share the terminal when stdout is one too.
    around: process.stdout.isTTY ? board.around : undefined,
  });
  const store = openLeaseStore({ stateDir: defaultStateDir(process.env), scope: env.LITELLM_URL });
  const gateStore = openLeaseStore({ stateDir: defaultStateDir(process.env), scope: "workspaces" });
  const controller = new AbortController();
  const stopSignals = onStopSignal(() => controller.abort());
  try {
    emit(telemetry.logger, { event: "orchestrator_startup", litellmUrl: env.LITELLM_URL, workspace, version: pkg.version });
    const { outcomes, result } = await runBatch({
      tasks,
      workspace,
      config,
      runId,
      dryRun: args.dryRun,
      keepFailed: args.keepFailed,
      deps: {
        client: createModelClient({
          baseURL: env.LITELLM_URL,
          apiKey: env.LITELLM_API_KEY,
          timeoutMs: env.MODEL_TIMEOUT_MS,
          stallTimeoutMs: env.MODEL_STALL_TIMEOUT_MS,
          maxRetries: env.MODEL_MAX_RETRIES,
        }),
        limiter: createWarmLimiter(createLeaseLimiter(store, config.limits.concurrency), { maxDeferMs: env.SMOL_WARM_DEFER_MS }),
        gate: createLeaseGate(gateStore, workspace),
        baselineCache: createBaselineCache(path.join(defaultStateDir(process.env), "baselines")),
        logger: telemetry.logger,
        signal: controller.signal,
        bunPath: process.execPath,
        newTaskId: () => {
          const id = randomUUID();
          labels.set(id, tasks[labels.size]?.description.slice(0, 50) ?? "");
          return id;
        },
        onPhase: (taskId, info) => board.update(taskId, info),
      },
    });
    board.close();
    if (args.resultFile) await writeResultFile(args.resultFile, result);
    if (env.GITHUB_STEP_SUMMARY) await appendStepSummary(env.GITHUB_STEP_SUMMARY, result);
    if (args.dryRun) {
      // The diff goes to stderr: stdout carries only JSON events.
      for (const { outcome } of outcomes) if (outcome.status === "complete") process.stderr.write(outcome.diff);
    }
    return exitCodeFor(outcomes.map((o) => o.outcome), env, stopSignals.received());
  } finally {
    board.close();
    stopSignals.dispose();
    store.close();
    gateStore.close();
    telemetry.flush();
    await pruneLogs(logDir, config.logs.keep, telemetry.logFile).catch(() => {});
  }
}

/** The most serious outcome decides: interrupted, then unavailable, then too large, then aborted. */
function exitCodeFor(outcomes: TaskOutcome[], env: Env, signal: string | null): number {
  if (outcomes.some((o) => o.status === "interrupted")) throw new InterruptedError(signal ?? "signal");
  const unavailable = outcomes.find((o) => o.status === "unavailable");
  if (unavailable) throw new ModelUnavailableError(unavailableMessage(unavailable, env));
  const tooLarge = outcomes.find((o) => o.status === "too_large");
  if (tooLarge) throw new InputError(tooLarge.message);
  return outcomes.every((o) => o.status === "complete") ? EXIT.ok : EXIT.aborted;
}

function unavailableMessage(outcome: Extract<TaskOutcome, { status: "unavailable" }>, env: Env): string {
  const url = env.LITELLM_URL;
  switch (outcome.reason) {
    case "unreachable":
      return `cannot reach the model server at ${url}: ${outcome.message}.\nStart LiteLLM with \`docker compose up -d\` in the smol-coder folder (and Ollama with \`ollama serve\`), or point LITELLM_URL at a running proxy. \`bun run src/index.ts doctor\` checks the setup.`;
    case "auth":
      return `the model server at ${url} refused the API key: ${outcome.message}.\nSet LITELLM_API_KEY to the proxy's master key (LITELLM_MASTER_KEY in compose.yaml; dev-key by default).`;
    case "unknown_model":
      return `the model server at ${url} does not serve the model "${outcome.model}": ${outcome.message}.\nAdd "${outcome.model}" to model_list in litellm/config.yaml and restart the proxy (\`docker compose restart litellm\`), or set the tier's model in smol-coder.config.json.`;
  }
}

async function runDoctorCommand(env: Env, rawEnv: Record<string, string | undefined>, workspace: string | undefined): Promise<number> {
  const { runDoctor, formatDoctor } = await import("./cli/doctor.ts");
  const result = await runDoctor({
    litellmUrl: env.LITELLM_URL,
    apiKey: env.LITELLM_API_KEY,
    models: Object.values(MODEL_FOR_TIER),
    workspace,
    stateDir: defaultStateDir(rawEnv),
    logDir: env.SMOL_LOG_DIR ?? DEFAULT_LOG_DIR,
  });
  process.stdout.write(`${formatDoctor(result)}\n`);
  return result.ok ? EXIT.ok : EXIT.aborted;
}

/** First SIGINT/SIGTERM asks the tasks to stop and restore; a second one exits at once. */
function onStopSignal(stop: () => void): { received(): string | null; dispose(): void } {
  let received: string | null = null;
  const handler = (signal: NodeJS.Signals) => {
    if (received) process.exit(EXIT.interrupted);
    received = signal;
    stop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    received: () => received,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Bun.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof FatalError) {
      process.stderr.write(`smol-coder: ${err.message}\n`);
      code = err.exitCode;
    } else {
      process.stderr.write(`smol-coder: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      code = EXIT.aborted;
    }
  }
  process.exit(code);
}
