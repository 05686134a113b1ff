/**
 * Turns the raw output of a workspace's typecheck / lint / build scripts into
 * structured diagnostics. Pure: no I/O, no process state.
 *
 * Each format has its parser module (tsc, eslint, oxlint, vite, esbuild); the tests in
 * test/verify/diagnostics/ run the real tools. Anything else: when nothing structured is
 * found in a failing output, one `unknown` diagnostic carrying the last ~20 meaningful lines.
 */
import type { Diagnostic, Tool } from "./diagnostic.ts";
import type { DiagnosticParser, ParseContext } from "./context.ts";
import { eslintStylish, eslintUnix, noteStylishHeader } from "./eslint.ts";
import { esbuildNative, esbuildTransform } from "./esbuild.ts";
import { fallbackDiagnostics } from "./fallback.ts";
import { oxlintGraphical } from "./oxlint.ts";
import { isBlank, normCwd, splitLines } from "./text.ts";
import { tsc } from "./tsc.ts";
import { viteSection, viteUnresolved } from "./vite.ts";

export interface ParseOptions {
  /** Workspace root: absolute paths inside it become relative. */
  cwd?: string;
  /** Which tool probably produced the output (e.g. from the script name); breaks ties. */
  hint?: Tool;
  /**
   * Exit code of the command, if known. With 0, no `unknown` fallback is produced
   * when nothing structured is found. Without it the output is assumed to come
   * from a failing command.
   */
  exitCode?: number;
}

/**
 * Tried in this order on each line; the first that parses it takes it. A line can fit two
 * formats (a unix lint line that also reads as an esbuild one), so the order is behaviour.
 */
const PARSERS: readonly DiagnosticParser[] = [
  tsc,
  viteSection,
  eslintUnix,
  esbuildTransform,
  eslintStylish,
  oxlintGraphical,
  esbuildNative,
  viteUnresolved,
];

function opensDiagnostic(line: string): boolean {
  return PARSERS.some((p) => p.opens(line));
}

function parseAt(ctx: ParseContext, i: number): number | null {
  for (const parser of PARSERS) {
    const next = parser.parse(ctx, i);
    if (next !== null) return next;
  }
  return null;
}

export function parseDiagnostics(output: string, opts: ParseOptions = {}): Diagnostic[] {
  const lines = splitLines(output);
  const ctx: ParseContext = { lines, cwd: normCwd(opts.cwd), hint: opts.hint, out: [], stylishFile: null, opensDiagnostic };
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i])) {
      i++;
      continue;
    }
    const next = parseAt(ctx, i);
    if (next !== null) {
      i = next;
      continue;
    }
    noteStylishHeader(ctx, i);
    i++;
  }
  if (ctx.out.length > 0) return ctx.out;
  return fallbackDiagnostics(lines, opts.exitCode);
}
