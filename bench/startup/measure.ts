// One timed process of the start-up bench: wall time from spawn to exit, CPU (user+sys) from
// the kernel, the exit code, and the moment each JSON event line arrived on stdout.
import { readJsonLines } from "../lib/json-lines.ts";

export interface Timed {
  code: number;
  wallMs: number;
  cpuMs: number;
  /** Event name -> ms after spawn at which its line arrived (the first of each name). */
  at: Map<string, number>;
  events: Array<Record<string, unknown>>;
  stderr: string;
}

export interface SpawnSpec {
  cmd: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
}

export async function timed(spec: SpawnSpec): Promise<Timed> {
  const started = performance.now();
  const proc = Bun.spawn(spec.cmd, {
    cwd: spec.cwd,
    env: spec.env,
    stdin: spec.stdin === undefined ? "ignore" : new TextEncoder().encode(spec.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const at = new Map<string, number>();
  const events: Array<Record<string, unknown>> = [];
  const [, stderr, code] = await Promise.all([
    readJsonLines(proc.stdout, (e) => {
      events.push(e);
      const name = String(e.event);
      if (!at.has(name)) at.set(name, performance.now() - started);
    }),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const wallMs = performance.now() - started;
  const usage = proc.resourceUsage();
  const cpuMs = usage ? Number(usage.cpuTime.total) / 1000 : NaN;
  return { code, wallMs, cpuMs, at, events, stderr };
}
