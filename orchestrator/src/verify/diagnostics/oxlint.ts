// oxlint's default (miette graphical) report: `  × plugin(rule): msg` / `  ⚠ …`, then a
// `╭─[file:line:col]` frame.
import { addDiagnostic, defineParser, locationOf, type ParseContext } from "./context.ts";
import { isIndented } from "./text.ts";

// `x`/`!` are miette's ASCII fallbacks.
// Note: `×` is U+00D7 (miette); ESLint's summary uses `✖` (U+2716) and must not match.
const GRAPHICAL_HEADER = /^\s{0,4}([×⚠]|x|!) (.+)$/;
const GRAPHICAL_HEADER_UNICODE = /^\s{0,4}[×⚠] /;
/** The location line of a miette frame; rolldown prints the same frames. */
export const GRAPHICAL_LOCATION = /^\s*(?:[╭,]─?-?|├─|\|-)\[\s*(.+?):(\d+):(\d+)\s*\]\s*$/;
const OXLINT_RULE_PREFIX = /^([\w@/.-]+\([\w@/.-]+\)): (.*)$/;

function parseGraphical(ctx: ParseContext, i: number): number | null {
  const m = GRAPHICAL_HEADER.exec(ctx.lines[i]!);
  if (!m) return null;
  const ascii = m[1] === "x" || m[1] === "!";
  // Block: indented lines (frame, labels, `help:`) up to a blank line or the next header.
  let j = i + 1;
  let loc: RegExpExecArray | null = null;
  while (j < ctx.lines.length) {
    const l = ctx.lines[j]!;
    if (!isIndented(l) || GRAPHICAL_HEADER.test(l)) break;
    if (!loc) loc = GRAPHICAL_LOCATION.exec(l);
    j++;
  }
  // The ASCII markers are too common to trust without a location frame.
  if (ascii && !loc) return null;
  let message = m[2]!.trim();
  let code: string | null = null;
  const pre = OXLINT_RULE_PREFIX.exec(message);
  if (pre) {
    code = pre[1]!;
    message = pre[2]!;
  }
  addDiagnostic(ctx, {
    tool: ctx.hint === "vite" ? "vite" : "oxlint",
    ...locationOf(loc),
    code,
    message,
    severity: m[1] === "⚠" || m[1] === "!" ? "warning" : "error",
    raw: ctx.lines.slice(i, j).join("\n"),
  });
  return j;
}

// Opened by the Unicode markers only: an ASCII one starts a report only if a location frame follows.
export const oxlintGraphical = defineParser([GRAPHICAL_HEADER_UNICODE], parseGraphical);
