// Runs a whole batch in this process, the way the CLI does (preflight, --resume, the git
// session, runBatch), with an in-memory model and scripted checks but a real workspace and real
// git. A test of commits, refusals or resumption takes well under a second per task.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ResolvedConfig } from "../src/core/config.ts";
import { DEFAULT_CONTEXT, DEFAULT_LIMITS, DEFAULT_TIERS } from "../src/core/defaults.ts";
import type { SmolEvent } from "../src/core/events.ts";
import type { Task } from "../src/core/types.ts";
import { createTierLimiter } from "../src/concurrency/tier-limiter.ts";
import { createLocalGate } from "../src/concurrency/workspace-gate.ts";
import { openGitSession, type GitMode, type GitSession } from "../src/git/session.ts";
import { runBatch, type BatchRun } from "../src/run/batch.ts";
import type { ResultFile } from "../src/run/results.ts";
import { captureLogger } from "./logs.ts";
import { createMemoryModel, type MemoryModel } from "./memory-model.ts";
import { createScriptedRunner, passes, type Script, type ScriptedRunner } from "./scripted-runner.ts";
import { createWorkspace, type TempWorkspace } from "./workspace.ts";

export interface BatchLoopOptions {
  tasks: Task[];
  files?: Record<string, string>;
  scripts?: Record<string, Script>;
  model?: MemoryModel;
  /** The git side; default: commit each task in place. */
  git?: Partial<GitMode>;
  earlier?: ResultFile;
  /** An existing workspace (a second run in the same one); otherwise a fresh git repository. */
  ws?: TempWorkspace;
  /** Runs once the workspace exists, before the session opens (stage a file, install a hook). */
  setup?: (ws: TempWorkspace) => Promise<void>;
  limits?: Partial<ResolvedConfig["limits"]>;
}

export interface BatchLoop extends AsyncDisposable {
  /** The batch's outcomes and result, or the error that refused it. */
  run: BatchRun | null;
  error: Error | null;
  events: SmolEvent[];
  ws: TempWorkspace;
  model: MemoryModel;
  checks: ScriptedRunner;
  session: GitSession | null;
}

export async function runBatchLoop(options: BatchLoopOptions): Promise<BatchLoop> {
  const scripts = options.scripts ?? { typecheck: passes };
  const ws =
    options.ws ??
    (await createWorkspace({
      template: "empty",
      files: options.files,
      scripts: Object.fromEntries(Object.keys(scripts).map((name) => [name, `echo ${name}`])),
      git: true,
    }));
  const worktrees = await mkdtemp(path.join(os.tmpdir(), "smol-worktrees-"));
  const model = options.model ?? createMemoryModel();
  const checks = createScriptedRunner(scripts);
  const log = captureLogger();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const config: ResolvedConfig = {
    tiers: DEFAULT_TIERS,
    limits,
    verify: { scripts: Object.keys(scripts), timeouts: {}, strict: false },
    git: { commit: true },
    context: DEFAULT_CONTEXT,
    logs: { dir: null, keep: 10 },
    source: null,
  };
  let session: GitSession | null = null;
  let run: BatchRun | null = null;
  let error: Error | null = null;
  try {
    await options.setup?.(ws);
    const opened = await openGitSession({
      workspace: ws.dir,
      mode: { commit: true, branch: null, commitDirty: false, dryRun: false, ...options.git },
      runId: "batch-loop",
      worktreeRoot: worktrees,
      commitTimeoutMs: limits.verifyTimeoutMs,
    });
    if (!opened.ok) throw new Error(opened.message);
    session = opened.session;
    run = await runBatch({
      tasks: options.tasks,
      workspace: session.workspace,
      reportedWorkspace: ws.dir,
      config,
      runId: `run-${Math.random().toString(16).slice(2, 10)}`,
      dryRun: options.git?.dryRun,
      earlier: options.earlier,
      git: session,
      deps: { client: model, limiter: createTierLimiter(limits.concurrency), gate: createLocalGate(), logger: log.logger, runner: checks.runner },
    });
  } catch (err) {
    error = err as Error;
  } finally {
    await session?.close();
  }
  return {
    run,
    error,
    events: log.events() as unknown as SmolEvent[],
    ws,
    model,
    checks,
    session,
    async [Symbol.asyncDispose]() {
      await rm(worktrees, { recursive: true, force: true });
      if (!options.ws) await ws[Symbol.asyncDispose]();
    },
  };
}
