#!/usr/bin/env bun
// The CLI shell: reads flags, env and the task, wires the real collaborators together, and is
// the one place where an outcome or a FatalError becomes an exit code.
import { randomUUID } from "node:crypto";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import { parseCliArgs, parseEnv, parseTask, readTaskText, USAGE } from "./cli.ts";
import { EXIT, FatalError, InterruptedError, ModelUnavailableError } from "./errors.ts";
import { createModelClient } from "./model.ts";
import { runTask, type TaskOutcome } from "./orchestrator.ts";
import { createTierLimiter } from "./router.ts";
import { createTelemetry, emit, type Telemetry } from "./telemetry.ts";
import { DEFAULT_LIMITS, type Env } from "./types.ts";
import { resolveWorkspace } from "./workspace.ts";

const DEFAULT_LOG_DIR = path.resolve(import.meta.dir, "..", "..", "logs");

export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.command === "version") {
    process.stdout.write(`smol-coder ${pkg.version}\n`);
    return EXIT.ok;
  }
  const config = parseEnv(env);
  if (args.command === "doctor") return runDoctorCommand(config, args.workspace);

  const origin = args.file ?? "stdin";
  const task = parseTask(await readTaskText({ file: args.file, stdin: { isTTY: process.stdin.isTTY, text: () => Bun.stdin.text() } }), origin);
  const workspace = await resolveWorkspace(args.workspace!);

  const runId = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const telemetry = createTelemetry({
    level: config.LOG_LEVEL,
    pretty: Boolean(process.stdout.isTTY) && config.NODE_ENV !== "production",
    logDir: config.SMOL_LOG_DIR ?? DEFAULT_LOG_DIR,
    runId,
  });
  try {
    emit(telemetry.logger, { event: "orchestrator_startup", litellmUrl: config.LITELLM_URL, workspace, version: pkg.version });
    const taskId = randomUUID();
    const controller = new AbortController();
    const stopSignals = onStopSignal(() => controller.abort());
    try {
      const outcome = await runTask({
        task,
        workspace,
        limits: { ...DEFAULT_LIMITS, verifyTimeoutMs: config.VERIFY_TIMEOUT_MS },
        strict: args.strict,
        deps: {
          client: createModelClient({
            baseURL: config.LITELLM_URL,
            apiKey: config.LITELLM_API_KEY,
            timeoutMs: config.MODEL_TIMEOUT_MS,
            maxRetries: config.MODEL_MAX_RETRIES,
          }),
          limiter: createTierLimiter(DEFAULT_LIMITS.concurrency),
          logger: telemetry.logger.child({ taskId }),
          signal: controller.signal,
          bunPath: process.execPath,
        },
      });
      return exitCodeFor(outcome, config, stopSignals.received());
    } finally {
      stopSignals.dispose();
    }
  } finally {
    telemetry.flush();
  }
}

function exitCodeFor(outcome: TaskOutcome, config: Env, signal: string | null): number {
  switch (outcome.status) {
    case "complete":
      return EXIT.ok;
    case "aborted":
      return EXIT.aborted;
    case "interrupted":
      throw new InterruptedError(signal ?? "signal");
    case "unavailable":
      throw new ModelUnavailableError(unavailableMessage(outcome, config));
  }
}

function unavailableMessage(outcome: Extract<TaskOutcome, { status: "unavailable" }>, config: Env): string {
  const url = config.LITELLM_URL;
  switch (outcome.reason) {
    case "unreachable":
      return `cannot reach the model server at ${url}: ${outcome.message}.\nStart LiteLLM with \`docker compose up -d\` in the smol-coder folder (and Ollama with \`ollama serve\`), or point LITELLM_URL at a running proxy. \`bun run src/index.ts doctor\` checks the setup.`;
    case "auth":
      return `the model server at ${url} refused the API key: ${outcome.message}.\nSet LITELLM_API_KEY to the proxy's master key (LITELLM_MASTER_KEY in compose.yaml; dev-key by default).`;
    case "unknown_model":
      return `the model server at ${url} does not serve the model "${outcome.model}": ${outcome.message}.\nAdd "${outcome.model}" to model_list in litellm/config.yaml and restart the proxy (\`docker compose restart litellm\`).`;
  }
}

async function runDoctorCommand(config: Env, workspace: string | undefined): Promise<number> {
  const { runDoctor, formatDoctor } = await import("./doctor.ts");
  const result = await runDoctor({
    litellmUrl: config.LITELLM_URL,
    apiKey: config.LITELLM_API_KEY,
    models: ["fast-coder", "deep-coder", "reviewer"],
    workspace,
    stateDir: config.SMOL_STATE_DIR ?? defaultStateDir(),
    logDir: config.SMOL_LOG_DIR ?? DEFAULT_LOG_DIR,
  });
  process.stdout.write(`${formatDoctor(result)}\n`);
  return result.ok ? EXIT.ok : EXIT.aborted;
}

function defaultStateDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(process.env.HOME ?? "/tmp", ".cache");
  return path.join(base, "smol-coder");
}

/** First SIGINT/SIGTERM asks the task to stop and restore; a second one exits at once. */
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
