// Runs the real CLI (`bun run src/index.ts`) as a child process, the way a user does, and
// exposes its JSON events as they arrive so tests can wait on an event instead of a sleep.
import os from "node:os";
import path from "node:path";
import { parseJsonLines } from "./logs.ts";

/** One lease database per test process, so runs never share slots with a developer's own. */
const STATE_DIR = path.join(os.tmpdir(), `smol-coder-test-state-${process.pid}`);

export const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "..");

export interface CliRun {
  proc: Bun.Subprocess<"pipe", "pipe", "pipe">;
  /** Resolves with the first event of that name (and matching `where`), rejects if the CLI exits first. */
  waitForEvent(name: string, where?: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  done: Promise<CliResult>;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown>>;
}

export interface CliOptions {
  args: string[];
  stdin?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Runs the CLI under this command, e.g. `setpriv --reuid=65534 ...` to run it as nobody (testing/fs-faults.ts asNobody). */
  prefix?: string[];
}

/** The command a user types, as the package's bin entry runs it: `bun src/index.ts`, from any folder. */
export const CLI_ENTRY = path.join(ORCHESTRATOR_DIR, "src", "index.ts");

export function startCli(options: CliOptions): CliRun {
  const proc = Bun.spawn([...(options.prefix ?? []), process.execPath, "run", CLI_ENTRY, ...options.args], {
    cwd: options.cwd ?? ORCHESTRATOR_DIR,
    env: definedOnly({ ...baseEnv(), ...options.env }),
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  proc.stdin.write(options.stdin ?? "");
  proc.stdin.end();

  let stdout = "";
  const waiters: Array<{ name: string; where?: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }> = [];
  const check = () => {
    const events = parseJsonLines(stdout);
    for (const w of [...waiters]) {
      const hit = events.find((e) => e.event === w.name && (!w.where || w.where(e)));
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  const readStdout = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      stdout += decoder.decode(chunk, { stream: true });
      check();
    }
  })();
  const done = (async (): Promise<CliResult> => {
    const [stderr] = await Promise.all([new Response(proc.stderr).text(), readStdout]);
    const exitCode = await proc.exited;
    return { exitCode, stdout, stderr, events: parseJsonLines(stdout) };
  })();

  return {
    proc,
    done,
    waitForEvent(name, where) {
      return new Promise((resolve, reject) => {
        waiters.push({ name, where, resolve });
        check();
        done.then((r) => reject(new Error(`CLI exited (${r.exitCode}) before event ${name}\n${r.stderr}\n${r.stdout}`)));
      });
    },
  };
}

export function runCli(options: CliOptions): Promise<CliResult> {
  return startCli(options).done;
}

/** An env var given as undefined is unset, not the string "undefined". */
export function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Environment for a CLI under test: JSON logs, no log files in the repo, fast retries. */
function baseEnv(): Record<string, string | undefined> {
  const { LITELLM_URL: _u, LITELLM_API_KEY: _k, ...rest } = process.env;
  return { ...rest, NODE_ENV: "production", LOG_LEVEL: "info", SMOL_LOG_DIR: path.join(os.tmpdir(), "smol-coder-test-logs"), SMOL_STATE_DIR: STATE_DIR };
}

export function eventNames(events: Array<Record<string, unknown>>): string[] {
  return events.map((e) => String(e.event));
}
