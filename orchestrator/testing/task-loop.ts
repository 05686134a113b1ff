// Runs the task loop in this process, the way the CLI does but with an in-memory model and
// scripted checks: a test of policy, escalation, feedback or restore takes milliseconds, and
// its events come back typed. The workspace is a real temp folder, so writes and restores are
// real file operations.
import type { SmolEvent } from "../src/core/events.ts";
import { DEFAULT_LIMITS } from "../src/core/defaults.ts";
import type { Limits, Task } from "../src/core/types.ts";
import { createTierLimiter } from "../src/concurrency/tier-limiter.ts";
import { openGitSession } from "../src/git/session.ts";
import { prepareTasks } from "../src/run/preflight.ts";
import type { RunTaskOptions } from "../src/task/run-options.ts";
import { runTask } from "../src/task/run-task.ts";
import type { TaskOutcome } from "../src/task/outcomes.ts";
import { captureLogger } from "./logs.ts";
import { TEST_TOKENS } from "./tokens.ts";
import { createMemoryModel, type MemoryModel } from "./memory-model.ts";
import { createScriptedRunner, passes, type Script, type ScriptedRunner } from "./scripted-runner.ts";
import { createWorkspace, type TempWorkspace, type WorkspaceTemplate } from "./workspace.ts";

export interface LoopOptions {
  task: Task;
  /** The workspace to start from (default: "empty"); "react-ts" is the real Vite fixture with its node_modules. */
  template?: WorkspaceTemplate;
  /** Files the workspace starts with (besides package.json). */
  files?: Record<string, string>;
  /** Verify scripts; each also becomes a package.json script. Default: typecheck, lint and build that pass. */
  scripts?: Record<string, Script>;
  model?: MemoryModel;
  /** Run with no checks at all (--no-checks). */
  noChecks?: boolean;
  /** A git repository (everything committed first), and --commit: the task commits when it passes. */
  commit?: boolean;
  /** Called with the workspace once it exists, before the task runs (to install a hook, say). */
  setup?: (ws: TempWorkspace) => Promise<void>;
  limits?: Partial<Limits>;
  options?: Partial<Omit<RunTaskOptions, "task" | "workspace" | "limits" | "deps">>;
  deps?: Partial<RunTaskOptions["deps"]>;
  /** Told the workspace's folder once it exists, before the task runs. */
  onWorkspace?: (dir: string) => void;
}

export interface LoopRun extends AsyncDisposable {
  outcome: TaskOutcome;
  events: SmolEvent[];
  ws: TempWorkspace;
  model: MemoryModel;
  checks: ScriptedRunner;
}

export async function runLoop(options: LoopOptions): Promise<LoopRun> {
  const scripts = options.scripts ?? { typecheck: passes, lint: passes, build: passes };
  const ws = await createWorkspace({
    template: options.template ?? "empty",
    files: options.files,
    scripts: Object.fromEntries(Object.keys(scripts).map((name) => [name, `echo ${name}`])),
    git: options.commit,
  });
  options.onWorkspace?.(ws.dir);
  const model = options.model ?? createMemoryModel();
  const checks = createScriptedRunner(scripts);
  const log = captureLogger();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  try {
    await options.setup?.(ws);
    const committer = options.commit ? await committerIn(ws.dir, options.task) : undefined;
    const config = { verify: { scripts: Object.keys(scripts), timeouts: {}, strict: false }, limits, source: null };
    const [prepared] = await prepareTasks([options.task], ws.dir, config, { noChecks: options.noChecks });
    const outcome = await runTask({
      task: options.task,
      workspace: ws.dir,
      limits,
      checks: prepared!.checks,
      ...options.options,
      deps: {
        client: model,
        limiter: createTierLimiter(limits.concurrency),
        logger: log.logger,
        runner: checks.runner,
        committer,
        tokens: TEST_TOKENS,
        ...options.deps,
      },
    });
    return { outcome, events: log.events() as unknown as SmolEvent[], ws, model, checks, [Symbol.asyncDispose]: () => ws[Symbol.asyncDispose]() };
  } catch (err) {
    await ws[Symbol.asyncDispose]();
    throw err;
  }
}

/** The committer a --commit run gives the task (a real git session in the workspace). */
async function committerIn(dir: string, task: Task) {
  const opened = await openGitSession({
    workspace: dir,
    mode: { commit: true, branch: null, commitDirty: false, dryRun: false },
    runId: "loop",
    worktreeRoot: dir,
    commitTimeoutMs: DEFAULT_LIMITS.verifyTimeoutMs,
  });
  if (!opened.ok) throw new Error(opened.message);
  return opened.session.committerFor("loop-task", task);
}

/** The events of one name, typed. */
export function eventsNamed<E extends SmolEvent["event"]>(events: readonly SmolEvent[], name: E): Array<Extract<SmolEvent, { event: E }>> {
  return events.filter((e): e is Extract<SmolEvent, { event: E }> => e.event === name);
}

/** The one event of that name; throws when there is none or more than one. */
export function theEvent<E extends SmolEvent["event"]>(events: readonly SmolEvent[], name: E): Extract<SmolEvent, { event: E }> {
  const found = eventsNamed(events, name);
  if (found.length !== 1) throw new Error(`expected one ${name} event, found ${found.length}: ${events.map((e) => e.event).join(", ")}`);
  return found[0]!;
}
