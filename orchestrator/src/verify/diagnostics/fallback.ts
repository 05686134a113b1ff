// When nothing structured is found in a failing output: one `unknown` diagnostic carrying
// the last meaningful lines, so the model still sees what went wrong.
import type { Diagnostic } from "./diagnostic.ts";
import { isBlank, isStackFrame } from "./text.ts";

const FALLBACK_LINES = 20;
const FALLBACK_LINE_MAX = 400;

export function fallbackDiagnostics(lines: string[], exitCode: number | undefined): Diagnostic[] {
  if (exitCode === 0) return [];
  const meaningful = lines
    .filter((l) => !isBlank(l))
    // Stack frames inside dependencies / node internals say nothing about the workspace.
    .filter((l) => !(isStackFrame(l) && /node_modules|node:internal|\(native\)/.test(l)))
    .filter((l) => /[\p{L}\p{N}]/u.test(l)) // pure decoration: box drawing, ~~~, ───
    .map((l) => (l.length > FALLBACK_LINE_MAX ? l.slice(0, FALLBACK_LINE_MAX) + "…" : l));
  if (meaningful.length === 0 && exitCode === undefined) return [];
  const tail = meaningful.slice(-FALLBACK_LINES);
  return [
    {
      tool: "unknown",
      file: null,
      line: null,
      col: null,
      code: null,
      message: tail.length > 0 ? tail.join("\n") : `(command failed with exit code ${exitCode} and printed nothing)`,
      severity: "error",
      raw: tail.join("\n"),
    },
  ];
}
