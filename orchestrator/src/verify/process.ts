// Runs a child process the way verification needs. A check ends when its script exits, not
// when its output pipes close (a background child may hold them open for ever); then every
// process it started is killed, whatever group or session it moved to (process-tree.ts). A
// timeout or an abort sends SIGTERM to all of them and SIGKILL after a grace period. No stdin;
// output kept to a bounded head and tail (bounded-output.ts).
//
// Bun.spawn rather than execa: its `exited` settles when the process exits, while execa waits
// for the pipes to close; it has no signal-exit hook (under Bun, removing that hook also drops
// the CLI's own SIGINT handler, which is why the execa version had to pass `cleanup: false`);
// and it costs no import (execa cost ~40 ms of start-up).
import { writeFileSync } from "node:fs";
import { KILL_GRACE_MS } from "../core/defaults.ts";
import { BoundedOutput } from "./bounded-output.ts";
import { markCheck, type CheckProcesses } from "./process-tree.ts";

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Bytes kept from the start and from the end of the combined output. */
  keepBytes?: number;
  /**
   * Lower the child's CPU priority (0 to 19). The child leads its own session, and where Linux
   * groups the scheduler by session (autogroup), `nice` only ranks processes inside a session;
   * so the session's autogroup is niced too.
   */
  niceness?: number;
  /** Between SIGTERM and SIGKILL, on a timeout or an abort. Default KILL_GRACE_MS. */
  graceMs?: number;
}

export interface RunResult {
  ok: boolean;
  exitCode: number | null;
  reason: "exit" | "timeout" | "aborted" | "spawn_error";
  durationMs: number;
  /** Combined stdout+stderr, head and tail, with a marker where bytes were dropped. */
  output: string;
  droppedBytes: number;
}

export type CommandRunner = (command: string, args: readonly string[], options: RunOptions) => Promise<RunResult>;

/** Runs `fn` when the process exits; the function it returns cancels that. */
export type ExitHook = (fn: () => void) => () => void;

export interface RunnerDeps {
  /** Marks and finds one check's processes. Default markCheck(). */
  processes?: () => CheckProcesses;
  /** Default: the process's "exit" event, so a CLI that exits mid-check leaves none behind. */
  onExit?: ExitHook;
}

/**
 * After everything found is killed, how long the output pipes may stay open: only a process that
 * escaped (see process-tree.ts) still holds one, and its output no longer counts.
 */
const DRAIN_MS = 1_000;

/** What pump() and drain() need of a stream reader (Bun's and the DOM's reader types differ). */
interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

const onProcessExit: ExitHook = (fn) => {
  process.on("exit", fn);
  return () => void process.off("exit", fn);
};

export function createCommandRunner(deps: RunnerDeps = {}): CommandRunner {
  const mark = deps.processes ?? (() => markCheck());
  const onExit = deps.onExit ?? onProcessExit;
  return async (command, args, options) => {
    const started = performance.now();
    const output = new BoundedOutput(options.keepBytes ?? 64 * 1024);
    const result = (reason: RunResult["reason"], exitCode: number | null): RunResult => ({
      ok: reason === "exit" && exitCode === 0,
      exitCode,
      reason,
      durationMs: Math.round(performance.now() - started),
      output: output.text(),
      droppedBytes: output.dropped,
    });
    if (options.signal?.aborted) return result("aborted", null);

    const tree = mark();
    let child: Bun.Subprocess<"ignore", "pipe", "pipe">;
    try {
      child = Bun.spawn([command, ...args], {
        cwd: options.cwd,
        env: childEnv(options.env, tree.env),
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
        detached: true, // its own session and group: a timeout reaches the group, and autogroup nice applies to it alone
      });
    } catch (error) {
      output.push(Buffer.from(String((error as Error)?.message ?? error)));
      return result("spawn_error", null);
    }
    const root = child.pid;
    const cancelExitHook = onExit(() => tree.killAllNow(root));
    if (options.niceness) setAutogroupNice(root, options.niceness);
    const readers = [child.stdout.getReader(), child.stderr.getReader()];
    const pumps = readers.map((reader) => pump(reader, output));

    let reason: RunResult["reason"] = "exit";
    let hardKill: ReturnType<typeof setTimeout> | undefined;
    const stop = (why: RunResult["reason"]) => {
      if (reason !== "exit") return;
      reason = why;
      tree.signal(root, "SIGTERM");
      hardKill = setTimeout(() => void tree.killAll(root), options.graceMs ?? KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
    const onAbort = () => stop("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });

    try {
      await child.exited;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // The script is done: whatever it left running (a watcher, a daemon, `sleep 1000 &`) ends now.
      await tree.killAll(root);
      if (hardKill) clearTimeout(hardKill);
      cancelExitHook();
      await drain(pumps, readers);
    }
    return result(reason, child.exitCode);
  };
}

export const runCommand: CommandRunner = createCommandRunner();

/** The CLI's environment (as a shell would pass it on), the check's, and the check's marker. */
function childEnv(env: RunOptions["env"], marker: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) merged[key] = value;
  return { ...merged, ...marker };
}

async function pump(reader: ByteReader, output: BoundedOutput): Promise<void> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || !value) return;
      output.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  } catch {
    // Cancelled by drain(): a process we could not find still holds the pipe.
  }
}

async function drain(pumps: Promise<void>[], readers: ByteReader[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS)));
  await Promise.race([Promise.all(pumps), late]);
  clearTimeout(timer);
  for (const reader of readers) await reader.cancel().catch(() => {});
}

function setAutogroupNice(pid: number, niceness: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
  } catch {
    // No autogroup here (another OS, or the kernel has it off): plain `nice` is enough then.
  }
}
