// Gathers a task's context block once, before its first attempt: the read-only files as they are
// on disk, the project facts (cached per workspace state) and the declarations of what the owned
// files import. Gathering never fails a task: what cannot be read is said in the prompt instead.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ContextSettings, Task } from "../../core/types.ts";
import { resolveInside } from "../../workspace/owned-files.ts";
import { EMPTY_CONTEXT, type ContextBlock, type ReadOnlyFile } from "./block.ts";
import { createContextCache, type ContextCache } from "./cache.ts";
import { createTypeInference } from "./infer.ts";
import { followImports, type ImportedModule } from "./imports.ts";
import { loadTypeScript, recordingHost, type LoadTypeScript } from "./typescript.ts";

export interface GatherInput {
  root: string;
  task: Task;
  /** Owned path -> content before the task, null for a file it creates. */
  files: ReadonlyMap<string, string | null>;
  settings: ContextSettings;
}

export interface GatherDeps {
  /** Shared by the tasks of a run (default: one for this task alone). */
  cache?: ContextCache;
  loadTs?: LoadTypeScript;
}

/** Owned files whose imports the TypeScript parser can read. */
const PARSED = /\.(?:tsx?|mts|cts|jsx?|mjs|cjs)$/;

export async function gatherContext(input: GatherInput, deps: GatherDeps = {}): Promise<ContextBlock> {
  const problems: string[] = [];
  const readOnly = await readReadOnly(input, problems);
  const loadTs = deps.loadTs ?? loadTypeScript;
  const cache = deps.cache ?? createContextCache();
  const facts = input.settings.facts ? await cache.facts.get(input.root).catch((err: Error) => noteProblem(problems, `project facts: ${err.message}`, [])) : [];
  const imports = input.settings.imports ? await readImports(input, loadTs, cache, problems) : [];
  if (readOnly.length + facts.length + imports.length + problems.length === 0) return EMPTY_CONTEXT;
  return { facts, readOnly, imports, problems };
}

function noteProblem<T>(problems: string[], problem: string, fallback: T): T {
  problems.push(problem);
  return fallback;
}

async function readReadOnly(input: GatherInput, problems: string[]): Promise<ReadOnlyFile[]> {
  const out: ReadOnlyFile[] = [];
  for (const rel of input.task.filesRead ?? []) {
    try {
      const bytes = await readFile(await resolveInside(input.root, rel));
      // A binary file would be noise to the model, and its bytes no help.
      if (bytes.includes(0)) problems.push(`${rel}: a binary file, not shown`);
      else out.push({ path: rel, content: bytes.toString("utf8") });
    } catch (err) {
      problems.push(`${rel}: could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return out;
}

async function readImports(input: GatherInput, loadTs: LoadTypeScript, cache: ContextCache, problems: string[]): Promise<ImportedModule[]> {
  const parsed = [...input.files].filter(([file]) => PARSED.test(file));
  if (parsed.length === 0) return [];
  // A file the task creates has no imports to follow, only modules its description may name.
  const created = parsed.some(([, content]) => content === null);
  if (!created && parsed.every(([, content]) => !/\b(?:import|export|require)\b/.test(content ?? ""))) return [];
  try {
    const ts = await loadTs();
    const shownWhole = new Set([...input.files.keys(), ...(input.task.filesRead ?? [])].map((f) => path.posix.normalize(f)));
    const inference = createTypeInference(ts, cache.libraries);
    return followImports(ts, { root: input.root, files: new Map(parsed), description: input.task.description, shownWhole }, recordingHost(ts), inference);
  } catch (err) {
    return noteProblem(problems, `the imports of ${parsed.map(([f]) => f).join(", ")}: ${(err as Error).message}`, []);
  }
}
