// `smol-coder --workspace PATH`: reads the tasks and the config, wires the real collaborators
// (model client, cross-process limits, baseline cache, git, logs, status board, signals) and
// runs the batch. Everything below this file gets its collaborators passed in.
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import path from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { loadConfig, type ResolvedConfig } from "../core/config.ts";
import { parseEnv, type Env } from "../core/env.ts";
import { InputError, InterruptedError, type StopSignal } from "../core/errors.ts";
import { createTelemetry, emit } from "../core/telemetry.ts";
import type { Task } from "../core/types.ts";
import { createLeaseLimiter } from "../concurrency/lease-limiter.ts";
import { defaultLogDir, defaultStateDir } from "../concurrency/state-dir.ts";
import type { LeaseStore } from "../concurrency/types.ts";
import { createLeaseGate } from "../concurrency/workspace-gate.ts";
import { createWarmLimiter } from "../concurrency/warm.ts";
import { createModelClient } from "../executor/model-client.ts";
import { createTokenCounters } from "../executor/tokens/counter.ts";
import { openGitSession, type GitSession } from "../git/session.ts";
import { runBatch } from "../run/batch.ts";
import { pruneLogs } from "../run/log-files.ts";
import { createResultWriter, readResultFile, resultFileProblem, type ResultFile } from "../run/results.ts";
import { appendStepSummary } from "../run/summary.ts";
import { resolveWorkspace, type OwnedFiles } from "../workspace/owned-files.ts";
import type { CliArgs } from "./args.ts";
import { bunForChecks } from "./bun-path.ts";
import { exitCodeFor } from "./exit.ts";
import type { RawEnv } from "./main.ts";
import { exitAtOnce } from "./hard-exit.ts";
import { recoverEarlierRuns } from "./recovery.ts";
import { onStopSignal } from "./signals.ts";
import { openRunState } from "./state.ts";
import { createStatusBoard, noBoard, type StatusBoard } from "./status-board.ts";
import { parseTasks, readTaskText } from "./task-input.ts";

export async function runTasks(args: CliArgs, rawEnv: RawEnv): Promise<number> {
  const env = parseEnv(rawEnv);
  const origin = args.file ?? "stdin";
  const stdin = { isTTY: process.stdin.isTTY, text: () => Bun.stdin.text() };
  const tasks = parseTasks(await readTaskText({ file: args.file, stdin }), origin);
  const workspace = await resolveWorkspace(args.workspace!);
  const config = await loadConfig({
    workspace,
    flags: { config: args.config, strict: args.strict, verifyTimeoutMs: args.verifyTimeoutMs, commit: args.commit },
    env,
    rawEnv,
  });
  const earlier = args.resume ? await readResultFile(args.resume) : undefined;
  // --resume writes back to the file it resumed, so a second crash is resumed the same way.
  const resultPath = args.resultFile ?? args.resume;
  const resultProblem = resultPath ? await resultFileProblem(resultPath) : null;
  if (resultProblem) throw new InputError(resultProblem);
  return runLoaded(args, env, rawEnv, config, tasks, workspace, earlier);
}

/** The live board needs the whole screen to itself: stdout and stderr both on the terminal. */
function openBoard(labels: Map<string, string>): StatusBoard {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return noBoard();
  return createStatusBoard(
    {
      write: (text) => void writeSync(2, text),
      columns: () => process.stderr.columns || 80,
      rows: () => process.stderr.rows || 24,
    },
    labels,
  );
}

async function runLoaded(
  args: CliArgs,
  env: Env,
  rawEnv: RawEnv,
  config: ResolvedConfig,
  tasks: Task[],
  workspace: string,
  earlier: ResultFile | undefined,
): Promise<number> {
  const runId = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const logDir = config.logs.dir ?? defaultLogDir(rawEnv);
  const stateDir = defaultStateDir(rawEnv);
  // First: a state folder that cannot be written ends the run before anything else starts.
  const state = openRunState(stateDir, env.LITELLM_URL);
  const labels = new Map<string, string>();
  const board = openBoard(labels);
  const telemetry = createTelemetry({
    level: env.LOG_LEVEL,
    pretty: Boolean(process.stdout.isTTY) && env.NODE_ENV !== "production",
    logDir,
    runId,
    around: board.around,
  });
  const controller = new AbortController();
  const liveFiles = new Set<OwnedFiles>();
  const stopSignals = onStopSignal({
    stop: () => controller.abort(),
    exitNow: (first, second) =>
      exitAtOnce(liveFiles, first, second, () => {
        board.close();
        telemetry.flush();
      }),
  });
  const resultPath = args.resultFile ?? args.resume;
  const results = resultPath ? createResultWriter(resultPath) : null;
  let git: GitSession | null = null;
  try {
    emit(telemetry.logger, { event: "orchestrator_startup", litellmUrl: env.LITELLM_URL, workspace, version: pkg.version, logFile: telemetry.logFile });
    for (const r of state.recoveries) emit(telemetry.logger, { event: "state_recovered", file: r.file, movedTo: r.movedTo, reason: r.reason });
    // A killed run's unverified edit goes back before anything reads the files (git's dirty check included).
    const recoverIn = (root: string) => () =>
      recoverEarlierRuns({ stateDir, root, force: args.restoreJournal, gate: createLeaseGate(state.gateStore, root), logger: telemetry.logger, stderr: process.stderr });
    await recoverIn(workspace)();
    // With --branch, before the session: a refused run must not leave a branch or worktree behind.
    if (earlier && args.branch) refuseOtherBranch(earlier, args.branch, args.resume!);
    git = await startGit(args, config, { workspace, runId, stateDir, gateStore: state.gateStore, signal: controller.signal, received: stopSignals.received });
    if (earlier && !args.branch) refuseOtherBranch(earlier, git.checkedOut, args.resume!);
    const { outcomes, result } = await runBatch({
      tasks,
      workspace: git.workspace,
      reportedWorkspace: workspace,
      config,
      runId,
      dryRun: args.dryRun,
      keepFailed: args.keepFailed,
      noChecks: args.noChecks,
      earlier,
      git,
      deps: {
        client: createModelClient({
          baseURL: env.LITELLM_URL,
          apiKey: env.LITELLM_API_KEY,
          timeoutMs: env.MODEL_TIMEOUT_MS,
          stallTimeoutMs: env.MODEL_STALL_TIMEOUT_MS,
          maxRetries: env.MODEL_MAX_RETRIES,
        }),
        limiter: createWarmLimiter(createLeaseLimiter(state.store, config.limits.concurrency), { maxDeferMs: env.SMOL_WARM_DEFER_MS }),
        gate: createLeaseGate(state.gateStore, git.workspace),
        baselineCache: state.baselineCache,
        stateDir,
        liveFiles,
        recover: recoverIn(git.workspace),
        // Nothing is loaded here: Qwen's tokenizer waits for the first prompt.
        tokens: createTokenCounters(),
        logger: telemetry.logger,
        signal: controller.signal,
        ...bunForChecks(),
        newTaskId: () => {
          const id = randomUUID();
          labels.set(id, tasks[labels.size]?.description ?? "");
          return id;
        },
        onPhase: (taskId, info) => board.update(taskId, info),
        onProgress: results ? (partial) => results.write(partial).catch(() => {}) : undefined,
      },
    });
    board.close();
    if (results) {
      await results.write(result).catch((err: NodeJS.ErrnoException) => {
        throw new InputError(`cannot write the result file ${resultPath}: ${err.code ?? err.message}`);
      });
    }
    if (env.GITHUB_STEP_SUMMARY) await appendStepSummary(env.GITHUB_STEP_SUMMARY, result);
    if (args.dryRun) {
      // The diff goes to stderr: stdout carries only JSON events.
      for (const { outcome } of outcomes) if (outcome.status === "complete") process.stderr.write(outcome.diff);
    }
    return exitCodeFor(outcomes.map((o) => o.outcome), env, stopSignals.received());
  } finally {
    board.close();
    stopSignals.dispose();
    // The branch's worktree goes before the leases: another run may be waiting for it.
    await git?.close().catch((err: Error) => process.stderr.write(`smol-coder: could not remove the branch worktree: ${err.message}\n`));
    state.close();
    telemetry.flush();
    await pruneLogs(logDir, config.logs.keep, telemetry.logFile).catch(() => {});
  }
}

/** The run's git side; a reason it cannot commit is exit 2, before any model call. */
interface GitWiring {
  workspace: string;
  runId: string;
  stateDir: string;
  gateStore: LeaseStore;
  signal: AbortSignal;
  received: () => StopSignal | null;
}

async function startGit(args: CliArgs, config: ResolvedConfig, wiring: GitWiring): Promise<GitSession> {
  const { workspace, runId, stateDir, gateStore, signal } = wiring;
  const opened = await openGitSession({
    workspace,
    mode: { commit: config.git.commit, branch: args.branch ?? null, commitDirty: args.commitDirty, dryRun: args.dryRun },
    runId,
    worktreeRoot: path.join(stateDir, "worktrees"),
    commitTimeoutMs: config.limits.verifyTimeoutMs,
    lock: async (key) => {
      try {
        const lease = await gateStore.acquire(key, 1, {
          signal,
          onQueued: () => process.stderr.write(`smol-coder: another run is working on branch ${args.branch}; waiting for it to finish\n`),
        });
        return lease.release;
      } catch (err) {
        if (signal.aborted) throw new InterruptedError(wiring.received() ?? "SIGINT");
        throw err;
      }
    },
  });
  if (!opened.ok) throw new InputError(opened.message);
  return opened.session;
}

/** A run that committed to a branch is resumed on that branch, where its commits are. */
function refuseOtherBranch(earlier: ResultFile, working: string | null, file: string): void {
  if (earlier.branch === null || earlier.branch === working) return;
  throw new InputError(`the run in ${file} committed to branch ${earlier.branch}, and this run works on ${working ?? "no branch"}: pass --branch ${earlier.branch} to resume it there`);
}
