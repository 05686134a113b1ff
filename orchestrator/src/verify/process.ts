// Runs a child process the way verification needs. A check ends when its script exits, not
// when its output pipes close (a background child may hold them open for ever); then every
// process it started is killed, whatever group or session it moved to (process-tree.ts). A
// timeout or an abort sends SIGTERM to all of them, then SIGKILL to what is left once the script
// has exited, or after a grace period at the latest. No stdin; output kept to a bounded head and
// tail (bounded-output.ts).
//
// Bun.spawn rather than execa: its `exited` settles when the process exits, while execa waits
// for the pipes to close; it has no signal-exit hook (under Bun, removing that hook also drops
// the CLI's own SIGINT handler, which is why the execa version had to pass `cleanup: false`);
// and it costs no import (execa cost ~40 ms of start-up).
import { writeFileSync } from "node:fs";
import { KILL_GRACE_MS } from "../core/defaults.ts";
import { BoundedOutput } from "./bounded-output.ts";
import { markCheck } from "./process-tree.ts";

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

export const runCommand: CommandRunner = async (command, args, options) => {
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

  const tree = markCheck();
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
  // A CLI that exits in the middle of a check (a second Ctrl-C) takes the check's processes with it.
  const onExit = () => tree.killAllNow(root);
  process.on("exit", onExit);
  if (options.niceness) setAutogroupNice(root, options.niceness);
  const readers = [child.stdout.getReader(), child.stderr.getReader()];
  const pumps = readers.map((reader) => pump(reader, output));

  let reason: RunResult["reason"] = "exit";
  let hardKill: ReturnType<typeof setTimeout> | undefined;
  let graceEnds = 0;
  const stop = (why: RunResult["reason"]) => {
    if (reason !== "exit") return;
    reason = why;
    tree.signal(root, "SIGTERM");
    const graceMs = options.graceMs ?? KILL_GRACE_MS;
    graceEnds = performance.now() + graceMs;
    hardKill = setTimeout(() => void tree.killAll(root), graceMs);
  };
  const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
  const onAbort = () => stop("aborted");
  options.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    await child.exited;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    // Stopped (a timeout, an abort): every process that got SIGTERM has the grace period to end on
    // its own, whether or not the script is gone already (`bun run` may die at once and leave its
    // children to it). A script that simply ended: what it left running (a watcher, a daemon,
    // `sleep 1000 &`) ends now.
    if (reason !== "exit") await tree.waitGone(root, graceEnds);
    await tree.killAll(root);
    if (hardKill) clearTimeout(hardKill);
    process.off("exit", onExit);
    await drain(pumps, readers);
  }
  return result(reason, child.exitCode);
};

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
