// Child processes and temp folders of a cascade bench run, tracked so that a bench stopped
// half-way (Ctrl-C, a test's timeout) stops its CLI runs and leaves no temp folder behind.
import { rmSync, unlinkSync } from "node:fs";
import path from "node:path";

/** Child processes and temp folders alive right now, for cleanUpNow(). */
export class LiveSet {
  readonly children = new Set<Bun.Subprocess>();
  readonly dirs = new Set<string>();

  /** Registers a temp folder that cleanUpNow() removes if the process is stopped before it is. */
  trackDir(dir: string): () => void {
    this.dirs.add(dir);
    return () => void this.dirs.delete(dir);
  }

  /**
   * For a signal handler: stops the child processes started by exec() and deletes the temp
   * folders still in use, synchronously.
   */
  cleanUpNow(): void {
    for (const child of this.children) child.kill("SIGTERM");
    for (const dir of this.dirs) {
      try {
        unlinkSync(path.join(dir, "node_modules"));
      } catch {
        // not a workspace, or no symlink: nothing to unlink
      }
      rmSync(dir, { recursive: true, force: true });
    }
    this.dirs.clear();
  }
}

/** On SIGINT or SIGTERM: say so, clean up and exit 130. */
export function cleanUpOnSignals(live: LiveSet, name: string): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      process.stderr.write(`${name}: ${signal}, stopping\n`);
      live.cleanUpNow();
      process.exit(130);
    });
  }
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface ExecOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  live: LiveSet;
}

/** Runs a command to its end (or kills it after timeoutMs) and collects its output. */
export async function exec(cmd: string[], opts: ExecOptions): Promise<ExecResult> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: (opts.env ?? process.env) as Record<string, string>,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  opts.live.children.add(proc);
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        proc.kill("SIGKILL");
      }, opts.timeoutMs)
    : null;
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  opts.live.children.delete(proc);
  if (timer) clearTimeout(timer);
  return { code, stdout, stderr, timedOut, durationMs: Math.round(performance.now() - started) };
}
