// The task suite in bench/tasks: loading it and picking tasks from it.
//
// A task folder holds:
//   task.json         {description, filesOwned}: exactly what the CLI gets with --file
//   setup/            optional files copied into the workspace before the run (a bug fix's
//                     "before" file)
//   solution/         the reference solution: the full content of every owned file
//   accept.test.ts    the hidden acceptance test. It is never in the workspace while the model
//                     works: it is copied to accept/<id>.test.ts (outside src/, so tsc and ESLint
//                     never see it) after the CLI has finished, run with `bun test`, then removed.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { TaskSchema } from "../../orchestrator/src/core/types.ts";

const TASKS_DIR = path.resolve(import.meta.dir, "..", "tasks");
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

function loadTask(dir: string): BenchTask {
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
