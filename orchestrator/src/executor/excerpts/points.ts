// The places in a file that an excerpt must show, each with a priority: what a retry must see
// first, then what the task names and the baseline's errors, then mentions, then the imports
// (where a new import goes) and the end of the file (where new code often goes).
import type { LineRange } from "../../core/types.ts";
import type { Declaration } from "../../source/outline.ts";
import type { Terms } from "./terms.ts";

/** 0: a retry's focus; 1: named declarations, baseline errors; 2: mentions; 3: imports; 4: the end. */
export type Priority = 0 | 1 | 2 | 3 | 4;

export interface Point {
  range: LineRange;
  priority: Priority;
  /** A declaration to show whole, when it is small enough. */
  decl?: Declaration;
}

export interface PointSource {
  terms: Terms;
  /** The file's lines, without their terminators. */
  lines: readonly string[];
  outline: readonly Declaration[];
  /** Lines the baseline's errors point at in this file. */
  errorLines: readonly number[];
  /** On a retry: the lines around its errors, its edit, and any it tried to change unseen. */
  focus: readonly LineRange[];
  /** This many first lines are shown, at the imports' priority: a read-only file's start says what it is. */
  head?: number;
}

/** A test or describe title shorter than this must be quoted to count as named. */
const MIN_UNQUOTED_TITLE = 12;
const IMPORTS_SHOWN = 40;
const END_SHOWN = 5;

export function findPoints(src: PointSource, perTerm: number): Point[] {
  const points: Point[] = src.focus.map((range) => ({ range, priority: 0 as const }));
  points.push(...namedDeclarations(src, perTerm));
  for (const line of src.errorLines) points.push({ range: { start: line, end: line }, priority: 1 });
  points.push(...mentions(src, perTerm));
  const imports = src.outline.find((d) => d.kind === "imports" && d.depth === 0);
  if (imports) {
    const start = Math.max(imports.line, imports.endLine - IMPORTS_SHOWN + 1);
    points.push({ range: { start, end: imports.endLine }, priority: 3 });
  }
  const last = src.lines.length;
  if (src.head && last > 0) points.push({ range: { start: 1, end: Math.min(src.head, last) }, priority: 3 });
  if (last > 0) points.push({ range: { start: Math.max(1, last - END_SHOWN + 1), end: last }, priority: 4 });
  return points;
}

function namedDeclarations(src: PointSource, perTerm: number): Point[] {
  const out: Point[] = [];
  const perName = new Map<string, number>();
  for (const decl of src.outline) {
    const key = nameOf(decl, src);
    if (key === null) continue;
    const n = perName.get(key) ?? 0;
    if (n >= perTerm) continue;
    perName.set(key, n + 1);
    out.push({ range: { start: decl.line, end: decl.line }, priority: 1, decl });
  }
  return out;
}

/** The term a declaration is named by in the description, or null. */
function nameOf(decl: Declaration, src: PointSource): string | null {
  if (decl.kind === "imports") return null;
  if (decl.kind === "call") {
    const t = titleOf(decl.name);
    if (t === null) return null;
    if (src.terms.strings.includes(t)) return t;
    return t.length >= MIN_UNQUOTED_TITLE && src.terms.text.includes(t) ? t : null;
  }
  const bare = decl.name.replace(/^["'`]|["'`]$/g, "");
  return src.terms.names.has(bare) ? bare : null;
}

/** `test("a \"b\"")` -> `a "b"`: the title as it is in the source. */
function titleOf(callName: string): string | null {
  const quoted = /\(("(?:[^"\\]|\\.)*")\)$/.exec(callName)?.[1];
  if (quoted === undefined) return null;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}

/** Where code words and quoted strings of the description occur in the file. */
function mentions(src: PointSource, perTerm: number): Point[] {
  const out: Point[] = [];
  const find = (test: (line: string) => boolean) => {
    let n = 0;
    for (let i = 0; i < src.lines.length && n < perTerm; i++) {
      if (!test(src.lines[i]!)) continue;
      out.push({ range: { start: i + 1, end: i + 1 }, priority: 2 });
      n++;
    }
  };
  for (const word of src.terms.code) {
    const re = new RegExp(`(?<![\\w$])${word.replace(/\$/g, "\\$")}(?![\\w$])`);
    find((line) => re.test(line));
  }
  for (const s of src.terms.strings) find((line) => line.includes(s));
  return out;
}
