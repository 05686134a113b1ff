// Runs a bench script (bench/<name>/<file>.ts) as a child process from the orchestrator folder,
// the way its usage line says, so tests check what the bench prints without importing it.
import path from "node:path";
import { ORCHESTRATOR_DIR } from "./cli.ts";

export const BENCH_DIR = path.resolve(ORCHESTRATOR_DIR, "..", "bench");

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `bun ../bench/<script> ARGS`; after timeoutMs it gets SIGTERM, so a bench can stop its own
 * children and delete its temp folders before the test's own timeout.
 */
export async function runBenchScript(script: string, args: string[], timeoutMs?: number): Promise<ScriptResult> {
  const proc = Bun.spawn([process.execPath, path.join(BENCH_DIR, script), ...args], {
    cwd: ORCHESTRATOR_DIR,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) console.error(`bench/${script} exited ${code}\n${stderr}\n${stdout}`);
  return { code, stdout, stderr };
}

/** The script's stdout as JSON, after checking that it exited 0. */
export async function benchJson<T>(script: string, args: string[], timeoutMs?: number): Promise<T> {
  const r = await runBenchScript(script, args, timeoutMs);
  if (r.code !== 0) throw new Error(`bench/${script} ${args.join(" ")} exited ${r.code}`);
  return JSON.parse(r.stdout) as T;
}
