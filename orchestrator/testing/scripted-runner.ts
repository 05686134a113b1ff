// A command runner for loop tests: each verify script is a function of the workspace as it is
// when the check runs, so a test can say "typecheck fails while Card.tsx has this line" without
// spawning tsc. It stands in for src/verify/process.ts only; planning, parsing the output into
// diagnostics and judging it run as they do for real.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CommandRunner, RunResult } from "../src/verify/process.ts";

export interface ScriptContext {
  /** The workspace's current content of a file, or null when it does not exist. */
  read(rel: string): Promise<string | null>;
  /** How many times this script has run before (0 for the baseline). */
  runs: number;
  signal?: AbortSignal;
}

/** What a script prints and how it exits; `reason` other than "exit" simulates a timeout or an abort. */
export interface ScriptResult {
  exitCode?: number;
  output?: string;
  reason?: RunResult["reason"];
}

export type Script = (ctx: ScriptContext) => ScriptResult | Promise<ScriptResult>;

export interface ScriptedRunner {
  runner: CommandRunner;
  /** The script name of every run, in order. */
  readonly calls: string[];
}

export const passes: Script = () => ({ exitCode: 0 });

/** Fails with `output` while `when` holds for the workspace, passes otherwise. */
export function failsWhile(when: (ctx: ScriptContext) => Promise<boolean> | boolean, output: string): Script {
  return async (ctx) => ((await when(ctx)) ? { exitCode: 1, output } : { exitCode: 0 });
}

/** The script name is the last argument of `bun run --silent NAME` (and of `nice ... NAME`). */
export function createScriptedRunner(scripts: Record<string, Script>): ScriptedRunner {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const runner: CommandRunner = async (_command, args, options) => {
    const name = args.at(-1) ?? "";
    const script = scripts[name];
    if (!script) throw new Error(`scripted runner: no script "${name}" (have ${Object.keys(scripts).join(", ")})`);
    calls.push(name);
    const runs = counts.get(name) ?? 0;
    counts.set(name, runs + 1);
    const read = (rel: string) => readFile(path.join(options.cwd, rel), "utf8").catch(() => null);
    const r = await script({ read, runs, signal: options.signal });
    const reason = r.reason ?? "exit";
    const exitCode = reason === "exit" ? (r.exitCode ?? 0) : null;
    return { ok: reason === "exit" && exitCode === 0, exitCode, reason, durationMs: 0, output: r.output ?? "", droppedBytes: 0 };
  };
  return { runner, calls };
}
