// Turns the errors an attempt is blamed for into what the next prompt shows: errors in the
// task's own files first, each with the few lines of the attempted code it points at (the model
// cannot see that code any more, since the attempt was undone), then everything else, capped.
import { formatDiagnostic } from "../verify/diagnostics/compare.ts";
import type { Diagnostic } from "../verify/diagnostics/diagnostic.ts";
import { capErrors } from "../verify/judge.ts";

const CONTEXT_LINES = 2;
/** Errors that get code context; past this the list is long enough on its own. */
const MAX_WITH_CONTEXT = 8;

export function buildFeedback(
  diagnostics: readonly Diagnostic[],
  attempted: ReadonlyMap<string, string | null>,
  maxLines = 60,
  maxChars = 6_000,
): string[] {
  const lines: string[] = [];
  let withContext = 0;
  for (const d of diagnostics) {
    lines.push(formatDiagnostic(d));
    const content = d.file !== null ? attempted.get(d.file) : undefined;
    if (content == null || d.line === null || withContext >= MAX_WITH_CONTEXT) continue;
    withContext++;
    lines.push(...codeAround(content, d.line, d.col));
  }
  return capErrors(lines, maxLines, maxChars);
}

/** `  12 | code` lines around `line` (1-based), with a caret under the column on the error line. */
export function codeAround(content: string, line: number, col: number | null): string[] {
  const source = content.split(/\r?\n/);
  const from = Math.max(1, line - CONTEXT_LINES);
  const to = Math.min(source.length, line + CONTEXT_LINES);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`  ${n === line ? ">" : " "} ${String(n).padStart(width)} | ${source[n - 1] ?? ""}`);
    if (n === line && col !== null && col > 0) out.push(`    ${" ".repeat(width)} | ${" ".repeat(col - 1)}^`);
  }
  return out;
}
