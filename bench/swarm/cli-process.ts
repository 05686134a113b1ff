// One smol-coder CLI process of the swarm bench, timed from spawn to exit, with its events.
import path from "node:path";
import { readJsonLines } from "../lib/json-lines.ts";

export const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "..", "..", "orchestrator");

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown>>;
  spawnedAt: number;
  exitedAt: number;
  cpuS: number;
}

/** `bun run src/index.ts ARGS` with `stdin`; `onEvent` sees each JSON event line as it arrives. */
export async function spawnCli(
  args: string[],
  stdin: string,
  env: Record<string, string>,
  onEvent: (e: Record<string, unknown>) => void = () => {},
): Promise<CliResult> {
  const spawnedAt = Date.now();
  let exitedAt = NaN;
  const proc = Bun.spawn([process.execPath, "run", "src/index.ts", ...args], {
    cwd: ORCHESTRATOR_DIR,
    env,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  proc.stdin.write(stdin);
  proc.stdin.end();
  const events: Array<Record<string, unknown>> = [];
  const [stdout, stderr, exitCode] = await Promise.all([
    readJsonLines(proc.stdout, (e) => {
      events.push(e);
      onEvent(e);
    }),
    new Response(proc.stderr).text(),
    proc.exited.then((code) => {
      exitedAt = Date.now();
      return code;
    }),
  ]);
  const usage = proc.resourceUsage();
  const cpuS = usage ? Number(usage.cpuTime.total) / 1e6 : NaN;
  return { exitCode, stdout, stderr, events, spawnedAt, exitedAt, cpuS };
}
