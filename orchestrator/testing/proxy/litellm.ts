// Starts the real LiteLLM proxy for a test or a bench, the way a user without Docker does:
// litellm/run.sh, with the project's own litellm/config.yaml (or a config derived from it, for the
// one case the project's config cannot show), and only OLLAMA_API_BASE and the master key set.
// Ready means /health/liveliness answers 200: uvicorn accepts connections only once the config,
// the router and its /api/show calls are done.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const REPO_DIR = path.resolve(import.meta.dir, "..", "..", "..");
export const RUN_SCRIPT = path.join(REPO_DIR, "litellm", "run.sh");
export const PROJECT_CONFIG = path.join(REPO_DIR, "litellm", "config.yaml");
const VENV = path.join(REPO_DIR, "litellm", ".venv");

export interface LiteLLMProxy extends AsyncDisposable {
  /** The OpenAI base URL, what LITELLM_URL is set to: http://127.0.0.1:PORT/v1 */
  url: string;
  origin: string;
  port: number;
  masterKey: string;
  /** Milliseconds from the spawn to the first 200 from /health/liveliness. */
  readyMs: number;
  /** What the proxy printed so far. */
  log(): string;
  /** False once the proxy process has exited (stopped, crashed, or killed from outside). */
  alive(): boolean;
  pid: number;
  stop(): Promise<void>;
}

export interface StartProxyOptions {
  ollamaUrl: string;
  masterKey?: string;
  /** Default litellm/config.yaml. */
  config?: string;
  readyTimeoutMs?: number;
}

/** Throws, with what to do, when litellm/.venv was never installed: the proxy tests never skip. */
export function assertProxyInstalled(venv = VENV): void {
  if (existsSync(path.join(venv, "bin", "litellm")) && existsSync(path.join(venv, ".smol-installed"))) return;
  throw new Error(
    `The LiteLLM proxy is not installed (no ${venv}). The proxy tests run the real LiteLLM from PyPI: ` +
      "run `litellm/run.sh --install-only` from the repo root (it needs python3 3.9-3.13 and network access to PyPI), " +
      "or `bash .ci/run`, which installs everything.",
  );
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export async function startLiteLLM(options: StartProxyOptions): Promise<LiteLLMProxy> {
  assertProxyInstalled();
  const masterKey = options.masterKey ?? "dev-key";
  const port = await freePort();
  const logDir = await mkdtemp(path.join(os.tmpdir(), "smol-litellm-"));
  const logFile = path.join(logDir, "proxy.log");
  const { DATABASE_URL: _db, LITELLM_MASTER_KEY: _k, LITELLM_CONFIG: _c, ...env } = process.env;
  const started = performance.now();
  // setpriv --pdeathsig: the kernel kills the proxy when this process dies, however it dies (a
  // test run killed mid-way included), so no proxy outlives the tests that started it.
  const orphanGuard = Bun.which("setpriv") ? ["setpriv", "--pdeathsig", "KILL", "--"] : [];
  const proc = Bun.spawn([...orphanGuard, "bash", RUN_SCRIPT], {
    cwd: REPO_DIR,
    env: {
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      OLLAMA_API_BASE: options.ollamaUrl,
      LITELLM_MASTER_KEY: masterKey,
      ...(options.config ? { LITELLM_CONFIG: options.config } : {}),
    },
    stdin: "ignore",
    stdout: Bun.file(logFile),
    stderr: Bun.file(logFile),
  });
  // A test process that ends without stop() must neither wait for the proxy nor leave it behind.
  proc.unref();
  const killOnExit = () => proc.kill("SIGKILL");
  process.once("exit", killOnExit);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const origin = `http://127.0.0.1:${port}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killOnExit);
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
    await rm(logDir, { recursive: true, force: true });
  };

  try {
    await waitUntilLive(origin, proc, options.readyTimeoutMs ?? 90_000, log);
  } catch (err) {
    await stop();
    throw err;
  }
  const readyMs = Math.round(performance.now() - started);
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return { url: `${origin}/v1`, origin, port, pid: proc.pid, masterKey, readyMs, log, alive, stop, [Symbol.asyncDispose]: stop };
}

/** Polls /health/liveliness until it answers 200; fails at once, with the proxy's output, if it exits. */
async function waitUntilLive(origin: string, proc: Bun.Subprocess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (performance.now() < deadline) {
    if (exited) throw new Error(`the LiteLLM proxy exited with ${proc.exitCode} before it was ready:\n${tail(log())}`);
    const ok = await fetch(`${origin}/health/liveliness`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    // The next poll: uvicorn opens its port only once start-up is done, so this is a readiness
    // wait, not a guess at how long start-up takes.
    await Bun.sleep(100);
  }
  throw new Error(`the LiteLLM proxy was not ready within ${timeoutMs} ms:\n${tail(log())}`);
}

function tail(text: string): string {
  return text.split("\n").slice(-40).join("\n");
}
