// One wording for every zod refusal: `path: message` per issue. Callers differ only in how a
// path is spelt, so a task or env error reads like a flag, and a config error like JSON.
import type { z } from "zod";

/** "dotted" joins every key with "." (filesOwned.0); "json" writes indices as [i] (verify.scripts[1]). */
export type IssuePathStyle = "dotted" | "json";

function formatPath(p: readonly PropertyKey[], style: IssuePathStyle): string {
  if (p.length === 0) return "(root)";
  if (style === "dotted") return p.join(".");
  let out = "";
  for (const key of p) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One `path: message` line per issue, in zod's order. */
export function issueLines(error: z.ZodError, style: IssuePathStyle): string[] {
  return error.issues.map((i) => `${formatPath(i.path, style)}: ${i.message}`);
}
