// tsc output:
// - `--pretty false`: `file(line,col): error TSnnnn: msg` (+ indented continuation lines)
// - pretty:           `file:line:col - error TSnnnn: msg` (ANSI stripped, code frames skipped)
// - global errors:    `error TSnnnn: msg`
import { addDiagnostic, defineParser, locationOf, type ParseContext } from "./context.ts";
import { isBlank, isIndented } from "./text.ts";

const TSC_PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.*)$/;
const TSC_PRETTY = /^(.+?):(\d+):(\d+) - (error|warning|message) (TS\d+): (.*)$/;
const TSC_GLOBAL = /^(error|warning|message) (TS\d+): (.*)$/;

/** A tsc diagnostic with a location (plain or pretty), as other tools pass them on. */
export function isLocatedTscLine(l: string): boolean {
  return TSC_PLAIN.test(l) || TSC_PRETTY.test(l);
}

/** tsc continuation lines: indented, non-blank, not another diagnostic. */
function takeIndented(ctx: ParseContext, start: number): number {
  let j = start;
  while (j < ctx.lines.length) {
    const l = ctx.lines[j]!;
    if (!isIndented(l) || ctx.opensDiagnostic(l)) break;
    j++;
  }
  return j;
}

function parsePlain(ctx: ParseContext, i: number): number | null {
  const m = TSC_PLAIN.exec(ctx.lines[i]!);
  if (!m) return null;
  const end = takeIndented(ctx, i + 1);
  const cont = ctx.lines.slice(i + 1, end);
  addDiagnostic(ctx, {
    tool: "tsc",
    ...locationOf(m),
    code: m[5]!,
    message: [m[6]!, ...cont].join("\n"),
    severity: m[4] === "error" ? "error" : "warning",
    raw: ctx.lines.slice(i, end).join("\n"),
  });
  return end;
}

/** Code-frame / related-information lines that follow a pretty tsc error. */
function isFrameLine(ctx: ParseContext, l: string): boolean {
  return isBlank(l) || /^\s*\d+\s/.test(l) || /^\d+$/.test(l) || (isIndented(l) && !ctx.opensDiagnostic(l));
}

function parsePretty(ctx: ParseContext, i: number): number | null {
  const line = ctx.lines[i]!;
  const m = TSC_PRETTY.exec(line);
  const g = m ? null : TSC_GLOBAL.exec(line);
  if (!m && !g) return null;
  const end = takeIndented(ctx, i + 1);
  const cont = ctx.lines.slice(i + 1, end);
  const sev = (m ? m[4] : g![1]) === "error" ? "error" : "warning";
  addDiagnostic(ctx, {
    tool: "tsc",
    ...locationOf(m),
    code: m ? m[5]! : g![2]!,
    message: [m ? m[6]! : g![3]!, ...cont].join("\n"),
    severity: sev,
    raw: ctx.lines.slice(i, end).join("\n"),
  });
  // Skip the code frame and related information (only pretty output has them).
  let j = end;
  if (m) while (j < ctx.lines.length && isFrameLine(ctx, ctx.lines[j]!)) j++;
  return j;
}

/** Plain, pretty and global tsc diagnostics. */
export const tsc = defineParser([TSC_PLAIN, TSC_PRETTY, TSC_GLOBAL], (ctx, i) => parsePlain(ctx, i) ?? parsePretty(ctx, i));
