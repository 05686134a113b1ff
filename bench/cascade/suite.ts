// The task suite in bench/tasks: loading it, making a workspace for one task, and running a
// task's hidden acceptance test in a workspace. Shared by run.ts and the orchestrator's tests.
//
// A task folder holds:
//   task.json         {description, filesOwned}: exactly what the CLI gets with --file
//   setup/            optional files copied into the workspace before the run (a bug fix's
//                     "before" file)
//   solution/         the reference solution: the full content of every owned file
//   accept.test.ts    the hidden acceptance test. It is never in the workspace while the model
//                     works: it is copied to accept/<id>.test.ts (outside src/, so tsc and ESLint
//                     never see it) after the CLI has finished, run with `bun test`, then removed.
import { readdirSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { TaskSchema } from "../../orchestrator/src/core/types.ts";
import { createWorkspace, type TempWorkspace } from "../../orchestrator/testing/workspace.ts";

export const TASKS_DIR = path.resolve(import.meta.dir, "..", "tasks");
export const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "..", "..", "orchestrator");

export interface BenchTask {
  id: string;
  dir: string;
  /** Absolute path of task.json, passed to the CLI as --file. */
  taskFile: string;
  /** As the CLI reads it (trimmed), so it can be found again inside a prompt. */
  description: string;
  filesOwned: string[];
  /** Relative path -> content, written before the run. */
  setup: Map<string, string>;
  /** Relative path -> content of the reference solution. */
  solution: Map<string, string>;
  /** Absolute path of accept.test.ts. */
  acceptFile: string;
}

function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    for (const name of readdirSync(abs).sort()) {
      const childRel = rel === "" ? name : `${rel}/${name}`;
      if (statSync(path.join(root, childRel)).isDirectory()) walk(childRel);
      else out.set(childRel, readFileSync(path.join(root, childRel), "utf8"));
    }
  };
  if (statSync(root, { throwIfNoEntry: false })?.isDirectory()) walk("");
  return out;
}

/** Every task in bench/tasks, in folder-name order (the numeric prefixes fix that order). */
export function loadSuite(dir = TASKS_DIR): BenchTask[] {
  const ids = readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort();
  return ids.map((id) => loadTask(path.join(dir, id)));
}

export function loadTask(dir: string): BenchTask {
  const id = path.basename(dir);
  const taskFile = path.join(dir, "task.json");
  const parsed = TaskSchema.safeParse(JSON.parse(readFileSync(taskFile, "utf8")));
  if (!parsed.success) throw new Error(`${taskFile}: ${parsed.error.message}`);
  const { description, filesOwned } = parsed.data;
  const setup = readTree(path.join(dir, "setup"));
  const solution = readTree(path.join(dir, "solution"));
  const acceptFile = path.join(dir, "accept.test.ts");
  if (!statSync(acceptFile, { throwIfNoEntry: false })?.isFile()) throw new Error(`${id}: no accept.test.ts`);
  for (const file of solution.keys()) {
    if (!filesOwned.includes(file)) throw new Error(`${id}: solution/${file} is not in filesOwned`);
  }
  for (const file of filesOwned) {
    if (!solution.has(file)) throw new Error(`${id}: no solution/${file} for owned file ${file}`);
    if (file.startsWith("accept/")) throw new Error(`${id}: accept/ is reserved for the hidden test`);
  }
  return { id, dir, taskFile, description, filesOwned, setup, solution, acceptFile };
}

/**
 * `--tasks N` takes the first N tasks; `--tasks a,b` takes tasks by id or unique id prefix
 * (`02` finds `02-pagination-bug`).
 */
export function selectTasks(all: BenchTask[], spec: string | undefined): BenchTask[] {
  if (spec === undefined || spec.trim() === "") return all;
  if (/^\d+$/.test(spec.trim()) && Number(spec) > 0 && !all.some((t) => t.id === spec.trim())) {
    const n = Number(spec);
    if (n > all.length) throw new Error(`--tasks ${n}: the suite has only ${all.length} tasks`);
    return all.slice(0, n);
  }
  return spec.split(",").map((raw) => {
    const name = raw.trim();
    const exact = all.find((t) => t.id === name);
    if (exact) return exact;
    const matches = all.filter((t) => t.id.startsWith(name));
    if (matches.length !== 1) {
      throw new Error(`--tasks: "${name}" matches ${matches.length === 0 ? "no task" : matches.map((t) => t.id).join(", ")}`);
    }
    return matches[0]!;
  });
}

/** Every file's mtime, so that fresh copies of the same files look the same to the baseline cache. */
const FIXED_MTIME = new Date("2024-01-01T00:00:00Z");

async function pinMtimes(root: string, rel = ""): Promise<void> {
  for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.name === "node_modules" || entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await pinMtimes(root, childRel);
    else if (entry.isFile()) await fs.utimes(path.join(root, childRel), FIXED_MTIME, FIXED_MTIME);
  }
}

/**
 * A fresh copy of the react-ts fixture with the task's setup files (and `extra` files on top).
 * mtimes are pinned: smol-coder's baseline cache keys on path, size and mtime, so the three
 * modes' copies of one task share one baseline run instead of paying for three.
 */
export async function prepareWorkspace(task: BenchTask, extra?: ReadonlyMap<string, string>): Promise<TempWorkspace> {
  return fixtureWorkspace(new Map([...task.setup, ...(extra ?? [])]));
}

/** Child processes and temp folders alive right now, for cleanUpNow(). */
const live = { children: new Set<Bun.Subprocess>(), dirs: new Set<string>() };

/** Registers a temp folder that cleanUpNow() removes if the process is stopped before it is. */
export function trackDir(dir: string): () => void {
  live.dirs.add(dir);
  return () => void live.dirs.delete(dir);
}

/**
 * For a signal handler: stops the child processes started by exec() and deletes the temp
 * folders still in use, synchronously, so a bench stopped half-way (Ctrl-C, a test's timeout)
 * leaves nothing behind.
 */
export function cleanUpNow(): void {
  for (const child of live.children) child.kill("SIGTERM");
  for (const dir of live.dirs) {
    try {
      unlinkSync(path.join(dir, "node_modules"));
    } catch {
      // not a workspace, or no symlink: nothing to unlink
    }
    rmSync(dir, { recursive: true, force: true });
  }
  live.dirs.clear();
}

/** A fresh copy of the react-ts fixture with these files on top, mtimes pinned. */
export async function fixtureWorkspace(files: ReadonlyMap<string, string>): Promise<TempWorkspace> {
  const ws = await createWorkspace({ template: "react-ts", files: Object.fromEntries(files) });
  const untrack = trackDir(ws.dir);
  await pinMtimes(ws.dir);
  return {
    ...ws,
    async [Symbol.asyncDispose]() {
      untrack();
      await ws[Symbol.asyncDispose]();
    },
  };
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** Runs a command to its end (or kills it after timeoutMs) and collects its output. */
export async function exec(
  cmd: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<ExecResult> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: (opts.env ?? process.env) as Record<string, string>,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  live.children.add(proc);
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        proc.kill("SIGKILL");
      }, opts.timeoutMs)
    : null;
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  live.children.delete(proc);
  if (timer) clearTimeout(timer);
  return { code, stdout, stderr, timedOut, durationMs: Math.round(performance.now() - started) };
}

export interface HiddenTestResult {
  pass: boolean;
  output: string;
  durationMs: number;
}

export const HIDDEN_TEST_TIMEOUT_MS = 60_000;

/** Copies the hidden test into the workspace, runs it with `bun test`, and removes it again. */
export async function runHiddenTest(task: BenchTask, workspace: string): Promise<HiddenTestResult> {
  const dir = path.join(workspace, "accept");
  const rel = `./accept/${task.id}.test.ts`;
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(task.acceptFile, path.join(workspace, rel));
  try {
    const { NODE_ENV: _n, ...env } = process.env;
    const r = await exec([process.execPath, "test", rel], { cwd: workspace, env, timeoutMs: HIDDEN_TEST_TIMEOUT_MS });
    const output = `${r.stdout}${r.stderr}${r.timedOut ? `\n(killed after ${HIDDEN_TEST_TIMEOUT_MS} ms)` : ""}`;
    return { pass: r.code === 0 && !r.timedOut, output, durationMs: r.durationMs };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Writes files into a workspace, creating folders. */
export async function writeFiles(workspace: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [rel, content] of files) {
    const abs = path.join(workspace, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content);
  }
}

/** Runs fn over items with at most `limit` at a time; results keep the items' order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
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
export async function checkHiddenTestsTogether(tasks: readonly BenchTask[]): Promise<HiddenCheck[]> {
  await using ws = await fixtureWorkspace(new Map(tasks.flatMap((t) => [...t.setup])));
  await fs.mkdir(path.join(ws.dir, "accept"), { recursive: true });
  for (const t of tasks) await fs.copyFile(t.acceptFile, path.join(ws.dir, "accept", `${t.id}.test.ts`));
  const { NODE_ENV: _n, ...env } = process.env;
  const runAll = async (name: string) => {
    const report = path.join(ws.dir, `${name}.xml`);
    const r = await exec([process.execPath, "test", "--reporter=junit", `--reporter-outfile=${report}`, "./accept"], {
      cwd: ws.dir,
      env,
      timeoutMs: HIDDEN_TEST_TIMEOUT_MS,
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

/** For each task: the hidden test fails on the untouched workspace and passes with the solution. */
export async function checkHiddenTests(tasks: readonly BenchTask[], parallel = 2): Promise<HiddenCheck[]> {
  return pool(tasks, parallel, async (task) => {
    await using ws = await prepareWorkspace(task);
    const untouched = await runHiddenTest(task, ws.dir);
    await writeFiles(ws.dir, task.solution);
    const solved = await runHiddenTest(task, ws.dir);
    return { id: task.id, untouched, solved, ok: !untouched.pass && solved.pass };
  });
}
