// The state one parse run shares between the parsers, and the shape every parser has.
import type { Diagnostic, Tool } from "./diagnostic.ts";
import { normalizePath, relativizeText, toNum } from "./text.ts";

export interface ParseContext {
  /** The output, ANSI-stripped and split into lines. */
  lines: string[];
  /** Workspace root, normalised; null when unknown. */
  cwd: string | null;
  /** Which tool probably produced the output; breaks ties. */
  hint: Tool | undefined;
  out: Diagnostic[];
  /** The file header of the ESLint/oxlint stylish block being read, if any. */
  stylishFile: string | null;
  /** Whether a line opens a diagnostic of any known format: continuation lines stop there. */
  opensDiagnostic(line: string): boolean;
}

/** One output format: a recogniser for its first line, and a parser for what it prints. */
export interface DiagnosticParser {
  /** True for a line that surely starts this format; other parsers' continuations end there. */
  opens(line: string): boolean;
  /** Parses what starts at `lines[i]` into `ctx.out`; the index after it, or null if not this format. */
  parse(ctx: ParseContext, i: number): number | null;
}

/** A parser whose first line is one that any of `openers` matches. */
export function defineParser(
  openers: readonly RegExp[],
  parse: (ctx: ParseContext, i: number) => number | null,
): DiagnosticParser {
  return { opens: (line) => openers.some((re) => re.test(line)), parse };
}

/** A format whose every diagnostic is one line, the one `re` matches. */
export function defineLineParser(
  re: RegExp,
  read: (m: RegExpExecArray, ctx: ParseContext) => Omit<Diagnostic, "raw">,
): DiagnosticParser {
  return defineParser([re], (ctx, i) => {
    const line = ctx.lines[i]!;
    const m = re.exec(line);
    if (!m) return null;
    addDiagnostic(ctx, { ...read(m, ctx), raw: line });
    return i + 1;
  });
}

/** `file`, `line`, `col` from a match whose groups 1 to 3 are a location; nulls without one. */
export function locationOf(m: RegExpExecArray | null): Pick<Diagnostic, "file" | "line" | "col"> {
  return { file: m ? m[1]! : null, line: m ? toNum(m[2]) : null, col: m ? toNum(m[3]) : null };
}

/** Adds a diagnostic with its path normalised and cwd-relative paths in the message. */
export function addDiagnostic(ctx: ParseContext, d: Diagnostic): void {
  ctx.out.push({
    ...d,
    file: d.file === null ? null : normalizePath(d.file, ctx.cwd),
    message: relativizeText(d.message, ctx.cwd).trim(),
  });
}
