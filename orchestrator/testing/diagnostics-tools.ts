/**
 * Support for the diagnostics tests, which check the parsers against the REAL tools: tsc,
 * eslint, oxlint and vite are run on the fixture project in testing/fixtures/diagnostics
 * (samples/ holds files with known errors), and the parsed fields are checked against
 * positions located in those sample files. Captured strings (fixtures/diagnostics/captured/)
 * cover formats the pinned toolchain no longer prints (vite ≤7 / rollup, esbuild's own CLI).
 *
 * Setup: `cd testing/fixtures/diagnostics && bun install --frozen-lockfile`.
 */
import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Diagnostic } from "../src/verify/diagnostics/diagnostic.ts";
import { parseDiagnostics } from "../src/verify/diagnostics/registry.ts";

export const FIXTURE = join(import.meta.dir, "fixtures", "diagnostics");
const BIN = join(FIXTURE, "node_modules", ".bin");

if (!existsSync(join(BIN, "tsc")) || !existsSync(join(BIN, "vite"))) {
  throw new Error(
    `diagnostics fixture is not installed: ${join(FIXTURE, "node_modules")} is missing.\n` +
      `Run: cd ${FIXTURE} && bun install --frozen-lockfile`,
  );
}

const QUIET_ENV = { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" };

export interface ToolRun {
  output: string; // stdout + stderr, as the orchestrator sees it
  exitCode: number;
}

async function run(cmd: string[], env: Record<string, string> = QUIET_ENV): Promise<ToolRun> {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  const proc = Bun.spawn(cmd, {
    cwd: FIXTURE,
    env: { ...base, ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { output: stdout + stderr, exitCode };
}

const vite = (name: string, outDir: string) =>
  run([join(BIN, "vite"), "build", `samples/${name}`, "--outDir", join(outDir, name), "--emptyOutDir", "--logLevel", "info"]);

const JOBS = {
  tscPlain: () => run([join(BIN, "tsc"), "-p", "tsconfig.json", "--pretty", "false"]),
  // Pretty output on purpose: --pretty true forces ANSI colours even into a pipe.
  tscPretty: () => run([join(BIN, "tsc"), "-p", "tsconfig.json", "--pretty", "true"], { CI: "true" }),
  eslintStylish: () => run([join(BIN, "eslint"), "samples/lint"]),
  // ESLint 9+ dropped the built-in unix formatter; `-f unix` resolves the pinned eslint-formatter-unix.
  eslintUnix: () => run([join(BIN, "eslint"), "-f", "unix", "samples/lint"]),
  // oxlint colours its graphical report even with NO_COLOR: strip-ANSI gets exercised here too.
  oxlint: () => run([join(BIN, "oxlint"), "samples/lint"]),
  oxlintUnix: () => run([join(BIN, "oxlint"), "-f", "unix", "samples/lint"]),
  oxlintStylish: () => run([join(BIN, "oxlint"), "-f", "stylish", "samples/lint"]),
  viteMissing: (outDir: string) => vite("vite-missing", outDir),
  viteMulti: (outDir: string) => vite("vite-multi", outDir),
  viteSyntax: (outDir: string) => vite("vite-syntax", outDir),
  viteExport: (outDir: string) => vite("vite-export", outDir),
  nodeCrash: () => run(["node", "-e", "console.log('starting'); throw new TypeError('boom: config is broken')"]),
} satisfies Record<string, (outDir: string) => Promise<ToolRun>>;

export type ToolJob = keyof typeof JOBS;

/** Each tool runs once per test process, however many test files read its output. */
const started = new Map<ToolJob, Promise<ToolRun>>();

export interface ToolOutputs {
  /** The output of a job run before the file's tests. */
  get(job: ToolJob): ToolRun;
  /** That output parsed, with the fixture as the workspace. */
  parse(job: ToolJob, hint?: Diagnostic["tool"]): Diagnostic[];
}

/** Runs the given tools (at the same time) before the calling file's tests. */
export function realToolOutputs(jobs: readonly ToolJob[]): ToolOutputs {
  const out = new Map<ToolJob, ToolRun>();
  let outDir = "";
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "smol-diag-vite-"));
    await Promise.all(
      jobs.map(async (job) => {
        if (!started.has(job)) started.set(job, JOBS[job](outDir));
        out.set(job, await started.get(job)!);
      }),
    );
  }, 60_000);
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });
  const get = (job: ToolJob): ToolRun => {
    const r = out.get(job);
    if (!r) throw new Error(`no output for ${job}`);
    return r;
  };
  return {
    get,
    parse: (job, hint) => {
      const r = get(job);
      return parseDiagnostics(r.output, { cwd: FIXTURE, exitCode: r.exitCode, ...(hint ? { hint } : {}) });
    },
  };
}

/** 1-based line/col of the first occurrence of `needle` in a fixture file (after `after`, if given). */
export function loc(file: string, needle: string, after?: string): { line: number; col: number } {
  const lines = readFileSync(join(FIXTURE, file), "utf8").split("\n");
  let start = 0;
  if (after !== undefined) start = lines.findIndex((l) => l.includes(after));
  for (let i = Math.max(0, start); i < lines.length; i++) {
    const c = lines[i]!.indexOf(needle);
    if (c >= 0) return { line: i + 1, col: c + 1 };
  }
  throw new Error(`${needle} not found in ${file}`);
}

/** The fields worth comparing between two formats of the same tool (raw differs by design). */
export const fields = (d: Diagnostic) => ({
  tool: d.tool,
  file: d.file,
  line: d.line,
  col: d.col,
  code: d.code,
  severity: d.severity,
});
export type Fields = ReturnType<typeof fields>;

/** The captures were made in this directory (paths rewritten). */
export const CAPTURE_CWD = "/home/dev/app";

export function captured(file: string): string {
  return readFileSync(join(FIXTURE, "captured", file), "utf8");
}
