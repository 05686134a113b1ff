// The project facts, read once per workspace state: a batch of tasks on one workspace reads
// package.json and tsconfig once, and a task that changes one of the files the facts came from
// (or installs a package) makes the next task read them again.
import { statSync } from "node:fs";
import { readProjectFacts, type ProjectFacts } from "./facts.ts";
import { loadTypeScript, type LoadTypeScript } from "../../source/typescript.ts";

export interface FactsCache {
  /** The fact lines of the workspace at `root` as it is now. */
  get(root: string): Promise<string[]>;
}

export interface FactsCacheOptions {
  loadTs?: LoadTypeScript;
  read?: (root: string, loadTs: LoadTypeScript) => Promise<ProjectFacts>;
}

interface Entry {
  facts: Promise<ProjectFacts>;
  /** path -> its state when the facts were read ("" while they are being read). */
  states: Map<string, string> | null;
}

export function createFactsCache(options: FactsCacheOptions = {}): FactsCache {
  const loadTs = options.loadTs ?? loadTypeScript;
  const read = options.read ?? readProjectFacts;
  const entries = new Map<string, Entry>();
  return {
    async get(root) {
      const entry = entries.get(root);
      // A read in progress is shared; a finished one is reused while every file it saw is unchanged.
      if (entry && (entry.states === null || [...entry.states].every(([p, s]) => stateOf(p) === s))) return (await entry.facts).lines;
      const fresh: Entry = { facts: read(root, loadTs), states: null };
      entries.set(root, fresh);
      try {
        const facts = await fresh.facts;
        fresh.states = new Map(facts.touched.map((p) => [p, stateOf(p)]));
        return facts.lines;
      } catch (err) {
        entries.delete(root);
        throw err;
      }
    },
  };
}

function stateOf(p: string): string {
  const info = statSync(p, { throwIfNoEntry: false });
  return info ? `${info.size}:${info.mtimeMs}:${info.ino}` : "absent";
}
