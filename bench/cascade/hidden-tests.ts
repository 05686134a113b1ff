// Running a task's hidden acceptance test in a workspace, and checking that the suite's hidden
// tests tell right from wrong: each fails on the untouched workspace and passes with the solution.
import fs from "node:fs/promises";
import path from "node:path";
import { pool } from "../lib/pool.ts";
import { exec, type LiveSet } from "./processes.ts";
import type { BenchTask } from "./suite.ts";
import { fixtureWorkspace, prepareWorkspace, writeFiles } from "./workspaces.ts";

export interface HiddenTestResult {
  pass: boolean;
  output: string;
  durationMs: number;
}

const HIDDEN_TEST_TIMEOUT_MS = 60_000;

/** The environment of a hidden test run: bun test sets NODE_ENV itself. */
function testEnv(): Record<string, string | undefined> {
  const { NODE_ENV: _n, ...env } = process.env;
  return env;
}

/** Copies the hidden test into the workspace, runs it with `bun test`, and removes it again. */
export async function runHiddenTest(task: BenchTask, workspace: string, live: LiveSet): Promise<HiddenTestResult> {
  const dir = path.join(workspace, "accept");
  const rel = `./accept/${task.id}.test.ts`;
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(task.acceptFile, path.join(workspace, rel));
  try {
    const r = await exec([process.execPath, "test", rel], { cwd: workspace, env: testEnv(), timeoutMs: HIDDEN_TEST_TIMEOUT_MS, live });
    const output = `${r.stdout}${r.stderr}${r.timedOut ? `\n(killed after ${HIDDEN_TEST_TIMEOUT_MS} ms)` : ""}`;
    return { pass: r.code === 0 && !r.timedOut, output, durationMs: r.durationMs };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface HiddenCheck {
  id: string;
  /** The hidden test on the untouched workspace (setup files only): must fail. */
  untouched: HiddenTestResult;
  /** The hidden test with the reference solution in place: must pass. */
  solved: HiddenTestResult;
  ok: boolean;
}

/**
 * The same check in one workspace holding every task's files, with one `bun test` run of all
 * hidden tests before and one after writing every solution: two processes instead of two per
 * task, for the orchestrator's test. Per-file results come from bun's JUnit report; a file that
 * could not even load (its module does not exist yet) is missing from the report and counts as
 * failed. The tasks must not share files (run.ts --self-check checks that).
 */
export async function checkHiddenTestsTogether(tasks: readonly BenchTask[], live: LiveSet): Promise<HiddenCheck[]> {
  await using ws = await fixtureWorkspace(new Map(tasks.flatMap((t) => [...t.setup])), live);
  await fs.mkdir(path.join(ws.dir, "accept"), { recursive: true });
  for (const t of tasks) await fs.copyFile(t.acceptFile, path.join(ws.dir, "accept", `${t.id}.test.ts`));
  const runAll = async (name: string) => {
    const report = path.join(ws.dir, `${name}.xml`);
    const r = await exec([process.execPath, "test", "--reporter=junit", `--reporter-outfile=${report}`, "./accept"], {
      cwd: ws.dir,
      env: testEnv(),
      timeoutMs: HIDDEN_TEST_TIMEOUT_MS,
      live,
    });
    const xml = await fs.readFile(report, "utf8").catch(() => "");
    const output = `${r.stdout}${r.stderr}`;
    const suites = new Map<string, { tests: number; failures: number }>();
    for (const m of xml.matchAll(/<testsuite name="accept\/([^"]+)\.test\.ts"[^>]*?\btests="(\d+)"[^>]*?\bfailures="(\d+)"/g)) {
      suites.set(m[1]!, { tests: Number(m[2]), failures: Number(m[3]) });
    }
    return (t: BenchTask): HiddenTestResult => {
      const s = suites.get(t.id);
      return { pass: !r.timedOut && s !== undefined && s.tests > 0 && s.failures === 0, output, durationMs: r.durationMs };
    };
  };
  const untouched = await runAll("untouched");
  await writeFiles(ws.dir, new Map(tasks.flatMap((t) => [...t.solution])));
  const solved = await runAll("solved");
  return tasks.map((t) => {
    const u = untouched(t);
    const s = solved(t);
    return { id: t.id, untouched: u, solved: s, ok: !u.pass && s.pass };
  });
}

/** For each task in its own workspace: the hidden test fails untouched and passes with the solution. */
export async function checkHiddenTests(tasks: readonly BenchTask[], parallel: number, live: LiveSet): Promise<HiddenCheck[]> {
  return pool(tasks, parallel, async (task) => {
    await using ws = await prepareWorkspace(task, live);
    const untouched = await runHiddenTest(task, ws.dir, live);
    await writeFiles(ws.dir, task.solution);
    const solved = await runHiddenTest(task, ws.dir, live);
    return { id: task.id, untouched, solved, ok: !untouched.pass && solved.pass };
  });
}
