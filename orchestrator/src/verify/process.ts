// Runs a child process the way verification needs: in its own process group so a timeout can
// kill every grandchild (tsc under `bun run` under a shell), with no stdin, and with output
// kept to a bounded head and tail so a check that prints megabytes can neither stall on a full
// pipe nor fill our memory.
import { writeFileSync } from "node:fs";
import { killGroupOnExit } from "./group-exit.ts";

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

const KILL_GRACE_MS = 2_000;

export const runCommand: CommandRunner = async (command, args, options) => {
  const started = performance.now();
  const keep = options.keepBytes ?? 64 * 1024;
  const output = new BoundedOutput(keep);
  let reason: RunResult["reason"] = "exit";

  // Loaded on first use: execa costs ~40 ms of start-up, and a CLI that is only queued for a
  // model slot has not run a command yet (many CLIs start at once in a swarm).
  const { execa } = await import("execa");
  const child = execa(command, [...args], {
    cwd: options.cwd,
    env: { ...options.env },
    extendEnv: true,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    detached: true, // own process group, so killGroup reaches grandchildren
    // Not execa's signal-exit hook: under Bun, its removal also drops the CLI's SIGINT handler.
    // The group is killed by us, on timeout, abort and exit.
    cleanup: false,
  });
  // execa may hand over strings or Uint8Arrays depending on the runtime; keep bytes either way.
  const collect = (chunk: unknown) => output.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  if (options.niceness && child.pid !== undefined) setAutogroupNice(child.pid, options.niceness);
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const stop = (why: RunResult["reason"]) => {
    if (reason !== "exit") return;
    reason = why;
    killGroup("SIGTERM");
    hardKill = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
  };
  let hardKill: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
  const onAbort = () => stop("aborted");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const stopWatchingExit = killGroupOnExit(child.pid);

  let exitCode: number | null = null;
  try {
    const result = await child;
    exitCode = typeof result.exitCode === "number" ? result.exitCode : null;
    if (result.failed && exitCode === null && reason === "exit" && !result.signal) reason = "spawn_error";
    if (reason === "spawn_error") output.push(Buffer.from(String(result.message ?? "")));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    stopWatchingExit();
    // Even after a clean exit a grandchild may linger in the group (a watcher, a daemon): end it.
    killGroup("SIGKILL");
    if (hardKill) clearTimeout(hardKill);
  }

  return {
    ok: reason === "exit" && exitCode === 0,
    exitCode,
    reason,
    durationMs: Math.round(performance.now() - started),
    output: output.text(),
    droppedBytes: output.dropped,
  };
};

function setAutogroupNice(pid: number, niceness: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
  } catch {
    // No autogroup here (another OS, or the kernel has it off): plain `nice` is enough then.
  }
}

/** Keeps the first and last `keep` bytes of a stream: errors come first, summaries last. */
class BoundedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  dropped = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Buffer): void {
    if (this.headBytes < this.keep) {
      const take = chunk.subarray(0, this.keep - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.keep) {
      const first = this.tail.shift()!;
      this.tailBytes -= first.length;
      this.dropped += first.length;
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    let tail = Buffer.concat(this.tail);
    if (this.tailBytes > this.keep) {
      this.dropped += tail.length - this.keep;
      tail = tail.subarray(tail.length - this.keep);
      this.tail = [tail];
      this.tailBytes = tail.length;
    }
    const marker = this.dropped > 0 ? `\n[... ${this.dropped} bytes of output omitted ...]\n` : "";
    return head + marker + tail.toString("utf8");
  }
}
