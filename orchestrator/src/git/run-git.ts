// Runs one git command and hands back what it said, as data. git runs the way the user's own
// git does (their config, their hooks, their identity); it only gets its own process group, so
// a hook that hangs can be stopped with everything it started, on a timeout or on Ctrl-C.

export interface GitRunOptions {
  cwd: string;
  /** Text for git's stdin (a commit message given as `-F -`); none means no stdin at all. */
  stdin?: string;
  /** Bound on the whole command, hooks included. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface GitResult {
  ok: boolean;
  exitCode: number | null;
  reason: "exit" | "timeout" | "aborted" | "spawn_error";
  stdout: string;
  stderr: string;
}

export type GitRunner = (args: readonly string[], options: GitRunOptions) => Promise<GitResult>;

const DEFAULT_TIMEOUT_MS = 60_000;
const KILL_GRACE_MS = 2_000;

export const runGit: GitRunner = async (args, options) => {
  let proc: Bun.Subprocess<"pipe" | "ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn(["git", ...args], {
      cwd: options.cwd,
      stdin: options.stdin === undefined ? "ignore" : "pipe",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
  } catch (err) {
    return { ok: false, exitCode: null, reason: "spawn_error", stdout: "", stderr: (err as Error).message };
  }
  if (options.stdin !== undefined && proc.stdin && typeof proc.stdin !== "number") {
    proc.stdin.write(options.stdin);
    proc.stdin.end();
  }
  let reason: GitResult["reason"] = "exit";
  let hardKill: ReturnType<typeof setTimeout> | undefined;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const stop = (why: GitResult["reason"]) => {
    if (reason !== "exit") return;
    reason = why;
    // SIGTERM first: git removes its lock files (index.lock) when it is asked to stop.
    killGroup("SIGTERM");
    hardKill = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => stop("timeout"), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const onAbort = () => stop("aborted");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { ok: reason === "exit" && exitCode === 0, exitCode, reason, stdout, stderr };
  } finally {
    clearTimeout(timer);
    if (hardKill) clearTimeout(hardKill);
    options.signal?.removeEventListener("abort", onAbort);
  }
};

/** What a failed git command said, in one line, for a message to the user. */
export function gitError(result: GitResult): string {
  if (result.reason === "timeout") return "git timed out";
  if (result.reason === "aborted") return "git was interrupted";
  const text = (result.stderr.trim() || result.stdout.trim()).split("\n").filter((l) => l.trim() !== "");
  return text.at(-1)?.replace(/^(fatal|error): /, "") ?? `git exited with ${result.exitCode}`;
}
