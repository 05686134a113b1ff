// Gathers a task's context block once, as the task starts (while its first prompt is fitted and
// its baseline runs): the read-only files as they are on disk (with the outline of a long one,
// in case it must be shown in part), the project facts (cached per workspace state) and the
// declarations of what the owned files import. Gathering never fails a task: what cannot be
// read is said in the prompt instead.
import path from "node:path";
import type { ContextSettings, Task } from "../../core/types.ts";
import { outlineOf } from "../../source/outline.ts";
import { loadTypeScript, type LoadTypeScript } from "../../source/typescript.ts";
import { isBinary, locateOwned, readRegular } from "../../workspace/locate.ts";
import { MIN_EXCERPT_LINES, outlineCache, type OutlineSource } from "../budget.ts";
import { fileLines } from "../excerpts/excerpt.ts";
import { EMPTY_CONTEXT, type ContextBlock, type ReadOnlyFile } from "./block.ts";
import { createContextCache, type ContextCache } from "./cache.ts";
import { recordingHost } from "./host.ts";
import { createTypeInference } from "./infer.ts";
import { followImports, type ImportedModule } from "./imports.ts";

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
  /** The task's outlines (the owned files' come from the same one). */
  outline?: OutlineSource;
}

/** Owned files whose imports the TypeScript parser can read. */
const PARSED = /\.(?:tsx?|mts|cts|jsx?|mjs|cjs)$/;

export async function gatherContext(input: GatherInput, deps: GatherDeps = {}): Promise<ContextBlock> {
  const problems: string[] = [];
  const readOnly = await readReadOnly(input, deps.outline ?? outlineCache(outlineOf), problems);
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

async function readReadOnly(input: GatherInput, outline: OutlineSource, problems: string[]): Promise<ReadOnlyFile[]> {
  const out: ReadOnlyFile[] = [];
  for (const rel of input.task.filesRead ?? []) {
    try {
      // Preflight checked it is a regular file; a FIFO put there since must not block the task.
      const found = await locateOwned(input.root, rel);
      const bytes = found.ok && found.path.exists ? await readRegular(found.path.target, rel) : null;
      if (!found.ok) problems.push(`${found.problem}; not shown`);
      else if (bytes === null) problems.push(`${rel}: not found, not shown`);
      // A binary file would be noise to the model, and its bytes no help.
      else if (isBinary(bytes)) problems.push(`${rel}: a binary file, not shown`);
      else {
        const content = bytes.toString("utf8");
        const long = fileLines(content).length >= MIN_EXCERPT_LINES;
        out.push({ path: rel, content, outline: long ? await outline(rel, content) : null });
      }
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
