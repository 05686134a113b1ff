// vite, rollup and rolldown build errors:
// - vite 8 / rolldown: `[CODE] msg` + `╭─[ file:line:col ]`, `[vite]: Rolldown failed to resolve import …`
// - vite ≤7 / rollup:  `error during build:` + message + `file: /abs/path:line:col`,
//                      `[vite]: Rollup failed to resolve import "x" from "/abs/y.ts"`,
//                      esbuild transform errors `file:line:col: ERROR: msg`
import { addDiagnostic, defineLineParser, defineParser, locationOf, type ParseContext } from "./context.ts";
import { esbuildTransform } from "./esbuild.ts";
import { GRAPHICAL_LOCATION } from "./oxlint.ts";
import { isBlank, isStackFrame, normalizePath, toNum } from "./text.ts";
import { isLocatedTscLine, tsc } from "./tsc.ts";

const VITE_SECTION_START = /^(?:error during build:|Build failed with \d+ errors?:?)\s*$/;
const VITE_UNRESOLVED = /^(?:\w*Error: )?\[vite\]:? (Rollup|Rolldown) failed to resolve import "([^"]+)" from "([^"]+)"\.?/;
const ROLLDOWN_HEADER = /^\[([^\]\s]+(?: [^\]\s]+)?)\] (.+)$/;
const ROLLUP_FILE_LINE = /^file: (.+?)(?::(\d+):(\d+))?(?: \(.+\))?$/;
const ROLLUP_LOC_PREFIX = /^(.+?) \((\d+):(\d+)\): (.*)$/;

/** The unresolved-import line, inside an error section or on its own. */
export const viteUnresolved = defineLineParser(VITE_UNRESOLVED, (m, ctx) => ({
  tool: "vite",
  file: m[3]!,
  line: null,
  col: null,
  code: null,
  message: `${m[1]} failed to resolve import "${m[2]}" from "${normalizePath(m[3]!, ctx.cwd)}".`,
  severity: "error",
}));

/** rolldown: `[CODE] message` then a `╭─[ file:line:col ]` frame closed by `───╯`. */
function parseRolldownBlock(ctx: ParseContext, j: number, end: number): number | null {
  const rd = ROLLDOWN_HEADER.exec(ctx.lines[j]!);
  if (!rd) return null;
  let k = j + 1;
  let loc: RegExpExecArray | null = null;
  while (k < end && !isBlank(ctx.lines[k]) && !ROLLDOWN_HEADER.test(ctx.lines[k]!)) {
    if (!loc) loc = GRAPHICAL_LOCATION.exec(ctx.lines[k]!);
    k++;
  }
  if (!loc) return null;
  addDiagnostic(ctx, {
    tool: "vite",
    ...locationOf(loc),
    code: rd[1]!,
    message: rd[2]!,
    severity: "error",
    raw: ctx.lines.slice(j, k).join("\n"),
  });
  return k;
}

/** Reads one line of an error section (and what belongs to it); returns where to go on. */
function parseSectionLine(ctx: ParseContext, j: number, end: number): number {
  const l = ctx.lines[j]!;
  if (isBlank(l) || VITE_SECTION_START.test(l)) return j + 1;
  const next = viteUnresolved.parse(ctx, j) ?? esbuildTransform.parse(ctx, j) ?? parseRolldownBlock(ctx, j, end);
  if (next !== null) return next;
  // e.g. vite-plugin-checker; let the tsc parser handle it.
  if (isLocatedTscLine(l)) return tsc.parse(ctx, j) ?? j + 1;
  return j + 1;
}

/**
 * Generic rollup/vite error: first meaningful line is the message,
 * a `file: /abs/path:line:col` line gives the location.
 */
function addGenericBuildError(ctx: ParseContext, sectionLines: string[]): void {
  const first = sectionLines.findIndex((l) => !isBlank(l) && !VITE_SECTION_START.test(l));
  if (first < 0) return;
  let message = sectionLines[first]!.trim().replace(/^\w*Error: /, "");
  let code: string | null = null;
  let file: string | null = null;
  let line: number | null = null;
  let col: number | null = null;
  const plugin = /^\[([^\]]+)\] (.*)$/.exec(message);
  if (plugin) {
    code = plugin[1]!;
    message = plugin[2]!;
  }
  const pre = ROLLUP_LOC_PREFIX.exec(message);
  if (pre && !/\s/.test(pre[1]!)) {
    file = pre[1]!;
    line = toNum(pre[2]);
    col = toNum(pre[3]);
    message = pre[4]!;
  }
  // Message continuation: following non-blank lines up to `file:` / blank.
  const msgLines = [message];
  for (let k = first + 1; k < sectionLines.length; k++) {
    const l = sectionLines[k]!;
    if (isBlank(l) || ROLLUP_FILE_LINE.test(l) || ctx.opensDiagnostic(l)) break;
    msgLines.push(l.trim());
  }
  const fileLine = sectionLines.map((l) => ROLLUP_FILE_LINE.exec(l)).find((x) => x);
  if (fileLine) {
    file = fileLine[1]!;
    line = toNum(fileLine[2]) ?? line;
    col = toNum(fileLine[3]) ?? col;
  }
  addDiagnostic(ctx, {
    tool: "vite",
    file,
    line,
    col,
    code,
    message: msgLines.join("\n"),
    severity: "error",
    raw: sectionLines.filter((l) => !isBlank(l)).join("\n"),
  });
}

/**
 * A vite/rollup/rolldown error section: from `error during build:` (or
 * `Build failed with N errors:`) to the stack trace / end of output.
 */
function parseSection(ctx: ParseContext, i: number): number | null {
  if (!VITE_SECTION_START.test(ctx.lines[i]!)) return null;
  let end = i + 1;
  while (end < ctx.lines.length && !isStackFrame(ctx.lines[end]!)) end++;
  const before = ctx.out.length;
  for (let j = i + 1; j < end; ) j = parseSectionLine(ctx, j, end);
  if (ctx.out.length === before) addGenericBuildError(ctx, ctx.lines.slice(i + 1, end));
  return end;
}

export const viteSection = defineParser([VITE_SECTION_START], parseSection);
