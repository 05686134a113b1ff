// `smol-coder --workspace PATH`: reads the tasks and the config, wires the real collaborators
// (model client, cross-process limits, baseline cache, logs, status board, signals) and runs
// the batch. Everything below this file gets its collaborators passed in.
import { randomUUID } from "node:crypto";
import path from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { loadConfig, type ResolvedConfig } from "../core/config.ts";
import type { Env } from "../core/env.ts";
import { createTelemetry, emit } from "../core/telemetry.ts";
import type { Task } from "../core/types.ts";
import { createLeaseLimiter } from "../concurrency/lease-limiter.ts";
import { openLeaseStore } from "../concurrency/lease-store.ts";
import { defaultStateDir } from "../concurrency/state-dir.ts";
import { createLeaseGate } from "../concurrency/workspace-gate.ts";
import { createWarmLimiter } from "../concurrency/warm.ts";
import { createModelClient } from "../executor/model-client.ts";
import { createTokenCounters } from "../executor/tokens/counter.ts";
import { runBatch } from "../run/batch.ts";
import { pruneLogs } from "../run/log-files.ts";
import { appendStepSummary, writeResultFile } from "../run/results.ts";
import { createBaselineCache } from "../verify/baseline-cache.ts";
import { resolveWorkspace } from "../workspace/owned-files.ts";
import type { CliArgs } from "./args.ts";
import { exitCodeFor } from "./exit.ts";
import type { RawEnv } from "./main.ts";
import { onStopSignal } from "./signals.ts";
import { createStatusBoard } from "./status-board.ts";
import { parseTasks, readTaskText } from "./task-input.ts";

export const DEFAULT_LOG_DIR = path.resolve(import.meta.dir, "..", "..", "..", "logs");

export async function runTasks(args: CliArgs, env: Env, rawEnv: RawEnv): Promise<number> {
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
  return runLoaded(args, env, rawEnv, config, tasks, workspace);
}

async function runLoaded(args: CliArgs, env: Env, rawEnv: RawEnv, config: ResolvedConfig, tasks: Task[], workspace: string): Promise<number> {
  const runId = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const logDir = config.logs.dir ?? DEFAULT_LOG_DIR;
  const stateDir = defaultStateDir(rawEnv);
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
  const store = openLeaseStore({ stateDir, scope: env.LITELLM_URL });
  const gateStore = openLeaseStore({ stateDir, scope: "workspaces" });
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
      noChecks: args.noChecks,
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
        baselineCache: createBaselineCache(path.join(stateDir, "baselines")),
        // Nothing is loaded here: Qwen's tokenizer waits for the first prompt.
        tokens: createTokenCounters(),
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
