// Runs every tool over the cases and scores each result byte for byte.
//
// Outcomes per case: exact (success, every expected file byte-identical; for must-refuse cases:
// refused), refused (no result), wrong (reported success but a file differs — or any success on
// a must-refuse case).
import { pool } from "../lib/pool.ts";
import type { BenchCase, Files } from "./cases.ts";
import type { Tool } from "./tools.ts";

export type Outcome = "exact" | "refused" | "wrong";

/** Outcome per case id, per tool name. */
export type Results = Map<string, Map<string, Outcome>>;

function score(c: BenchCase, got: Files | null): Outcome {
  if (c.expected === null) return got === null ? "exact" : "wrong";
  if (got === null) return "refused";
  for (const [p, want] of Object.entries(c.expected)) if ((got[p] ?? null) !== want) return "wrong";
  return "exact";
}

/** Each tool over every case, 8 cases at a time; a tool that throws has refused. */
export async function runTools(tools: ReadonlyArray<[string, Tool]>, cases: readonly BenchCase[]): Promise<Results> {
  const results: Results = new Map();
  for (const [name, tool] of tools) {
    const r = new Map<string, Outcome>();
    await pool(cases, 8, async (c) => {
      let got: Files | null;
      try {
        got = await tool(c);
      } catch (e) {
        if (name === "planEdit") console.error(`${c.id} threw: ${(e as Error).stack}`);
        got = null;
      }
      r.set(c.id, score(c, got));
    });
    results.set(name, r);
  }
  return results;
}
