// What the tasks of one run share when they gather their context: the project facts per
// workspace state, and the standard library's declaration files, parsed once for the type
// checks of every task. One per batch; nothing here outlives the run.
import type * as TS from "typescript";
import { createFactsCache, type FactsCache } from "./facts-cache.ts";

export interface ContextCache {
  facts: FactsCache;
  /** Library file name -> its parsed declarations (infer.ts). */
  libraries: Map<string, TS.SourceFile | undefined>;
}

export function createContextCache(): ContextCache {
  return { facts: createFactsCache(), libraries: new Map() };
}
