// Whether added lines sit at an indentation that agrees with the file around them. Used to tell a
// model that shifted everything it wrote (the added lines too) from one that shifted only the
// lines it quoted and wrote its new lines at the file's own indentation: the two readings put the
// added lines one shift apart, and usually only one of them fits the lines next to them.
//
// A boundary is a pair of neighbouring non-blank lines of the result, one added and one from the
// file. It fits when the step in indentation between them is one that formatted code takes:
// none (siblings), one level in after a line that opens a block or a continuation, one level
// out to a line that closes one or continues an expression.
import type { LexHunk } from "./lex.ts";
import { indentOf } from "./text.ts";

/** The line without a trailing // comment, trimmed; "" for a comment line (it opens, closes and continues nothing). */
const code = (line: string) => (/^\s*(\/\/|\/\*|\*)/.test(line) ? "" : line.replace(/\s*\/\/.*$/, "").trim());

/** How a line ends an unfinished expression: after `=`, `=>`, `?`, `:` or `extends` the next line is a level deeper; after a binary operator it may also stay at the level of a chain. */
function operatorEnd(line: string): "steps-in" | "binary" | null {
  const t = code(line);
  if (t.endsWith("*/") || /(\+\+|--)$/.test(t) || isLabel(line)) return null;
  if (/(=>|[=?:]|\bextends)$/.test(t)) return "steps-in";
  return /(&&|\|\||\?\?|[+\-*/%|&])$/.test(t) ? "binary" : null;
}

const endsInOperator = (line: string) => operatorEnd(line) !== null;

/**
 * A line after which the lines below are a level deeper: it ends in an opening bracket (`<` of
 * type parameters too), is an open JSX tag, or is an `if`/`for`/`while`/`else` without braces.
 */
function opensBracket(line: string): boolean {
  const t = code(line);
  if (/[{([<]$/.test(t) || /^(\}\s*)?(if|else if|for|while)\s*\(.*\)$|^(\}\s*)?else$/.test(t)) return true;
  return /^<[A-Za-z]/.test(t) && !t.endsWith("/>") && !/<\/[\w.]*>$/.test(t);
}

/** A line that closes a block, a JSX tag, a list of type parameters or a multi-line template string. */
const closes = (line: string) => /^(\}|\)|\]|<\/|\/>|>|`)/.test(code(line));

/** A `case …:` or `default:` label: its body is a level deeper, the next label at its level. */
const isLabel = (line: string) => /^(case\b.*|default\s*):$/.test(code(line));

const CONTINUATION = /^(\.|\?|:|&&|\|\||\||&|\+|-[^-]|=>|as |satisfies |extends )/;

/** The operator a line starts with when it continues an expression from the line above, else null. */
const leadingOperator = (line: string) => CONTINUATION.exec(code(line))?.[1] ?? null;
const continues = (line: string) => leadingOperator(line) !== null;

/** JSDoc lines (` * …`, ` */`) sit one column right of the `/**` they belong to. */
const isDocLine = (line: string) => /^\s+\*/.test(line);

export interface IndentStyle {
  /** Columns per level. */
  unit: number;
  /** Columns a tab counts for. */
  tab: number;
}

/** Width of a line's indentation in columns. */
function width(line: string, style: IndentStyle): number {
  let w = 0;
  for (const ch of indentOf(line)) w += ch === "\t" ? style.tab : 1;
  return isDocLine(line) ? w - 1 : w;
}

/** The file's indentation step: tabs, or the most common step in spaces between neighbouring lines (2 when it has none). */
export function indentStyle(texts: readonly string[]): IndentStyle {
  const indented = texts.filter((t) => t.trim() !== "" && /^\s/.test(t));
  if (indented.length > 0 && indented.filter((t) => t.startsWith("\t")).length * 2 > indented.length) return { unit: 1, tab: 1 };
  const steps = new Map<number, number>();
  let prev: number | null = null;
  for (const t of texts) {
    if (t.trim() === "" || isDocLine(t)) continue;
    const w = indentOf(t).replace(/\t/g, "  ").length;
    if (prev !== null && w > prev) steps.set(w - prev, (steps.get(w - prev) ?? 0) + 1);
    prev = w;
  }
  let unit = 2;
  let best = 0;
  for (const [step, n] of steps) if (n > best || (n === best && step < unit)) [unit, best] = [step, n];
  return { unit, tab: unit };
}

/** Whether lines[i - 1] is the last line of a case body: the nearest line above it with less indentation is a label, one level out. */
function endsCaseBody(lines: readonly string[], i: number, style: IndentStyle): boolean {
  const w = width(lines[i - 1]!, style);
  for (let j = i - 2; j >= 0; j--) {
    const wj = width(lines[j]!, style);
    if (wj < w) return wj === w - style.unit && isLabel(lines[j]!);
  }
  return false;
}

/** Whether lines[i] can follow lines[i - 1] in formatted code, by their indentation (lines[i - 2], when there is one, tells whether lines[i - 1] continues an expression). */
export function fits(lines: readonly string[], i: number, style: IndentStyle): boolean {
  const [before, above, below] = [lines[i - 2], lines[i - 1]!, lines[i]!];
  const d = width(below, style) - width(above, style);
  // `above` is itself a continuation line (it starts with an operator, or the line before it
  // ends in one): later ones stay at its level, and the line after the last one steps back out.
  const continuing = continues(above) || (before !== undefined && endsInOperator(before));
  // The first line of a continued expression is a level deeper than the line it continues (or,
  // after a binary operator, may stay at its level).
  const firstContinuation = endsInOperator(above) && !continuing;
  if (firstContinuation && d === 0 && operatorEnd(above) === "binary") return true;
  // A continuation under the line it continues, unless it is a further item of the same list.
  const stepsIn = continues(below) && leadingOperator(below) !== leadingOperator(above);
  if (isLabel(above) && (d === 0 || d === style.unit)) return true;
  if (d === 0) return closes(below) ? opensBracket(above) : !opensBracket(above) && !firstContinuation;
  if (d === style.unit) return !closes(below) && (opensBracket(above) || firstContinuation || stepsIn);
  if (d === -style.unit) return closes(below) || isLabel(below) || continuing;
  // Two levels out to a closing bracket: from a continued expression, or from a case body to the end of its switch.
  return d === -2 * style.unit && closes(below) && (continuing || endsCaseBody(lines, i, style));
}

/** A line of the result: from the file, or added by the hunk. */
interface ResultLine {
  text: string;
  added: boolean;
}

/** How many boundaries between added lines and file lines do not fit (blank lines skipped). */
function misfits(lines: readonly ResultLine[], style: IndentStyle): number {
  const solid = lines.filter((l) => l.text.trim() !== "");
  const texts = solid.map((l) => l.text);
  let bad = 0;
  for (let i = 1; i < solid.length; i++) if (solid[i - 1]!.added !== solid[i]!.added && !fits(texts, i, style)) bad++;
  return bad;
}

/** The lines of the result where a hunk goes, with the nearest non-blank file lines around it (two above, one below). */
function resultAround(h: LexHunk, at: number, texts: readonly string[]): ResultLine[] {
  const out: ResultLine[] = [];
  for (let i = at - 1; i >= 0 && out.length < 2; i--) if (texts[i]!.trim() !== "") out.unshift({ text: texts[i]!, added: false });
  let c = at;
  for (const line of h.lines) {
    if (line.op === "+") out.push({ text: line.text, added: true });
    else if (line.op === " ") out.push({ text: texts[c++]!, added: false });
    else c++;
  }
  while (c < texts.length && texts[c]!.trim() === "") c++;
  if (c < texts.length) out.push({ text: texts[c]!, added: false });
  return out;
}

/**
 * Where added lines replace removed ones, whose indentation they share: +1 when the removed
 * lines as the diff writes them (the model wrote old and new in one frame), -1 when the removed
 * lines as the file has them, summed over the hunks as written.
 */
function replacedVotes(hunks: readonly LexHunk[], ats: readonly number[], texts: readonly string[]): number {
  let votes = 0;
  hunks.forEach((h, k) => {
    let c = ats[k]!;
    let removed: { diff: string; file: string } | null = null;
    for (const line of h.lines) {
      if (line.op === "-") {
        if (removed === null && line.text.trim() !== "") removed = { diff: indentOf(line.text), file: indentOf(texts[c]!) };
        c++;
        continue;
      }
      if (line.op === "+" && removed !== null && line.text.trim() !== "" && removed.diff !== removed.file) {
        const added = indentOf(line.text);
        votes += added === removed.diff ? 1 : added === removed.file ? -1 : 0;
      }
      if (line.op === " ") c++;
      if (line.op === " " || line.text.trim() !== "") removed = null;
    }
  });
  return votes;
}

/**
 * Whether the added lines as moved by the shift agree with the file better than as the hunks
 * write them: fewer boundaries that do not fit; on a tie, the lines they replace say the model
 * wrote old and new lines alike. Otherwise the hunks' own indentation is kept.
 */
export function movedFitsBetter(written: readonly LexHunk[], moved: readonly LexHunk[], ats: readonly number[], texts: readonly string[]): boolean {
  const style = indentStyle(texts);
  const misfit = (hunks: readonly LexHunk[]) => hunks.reduce((n, h, k) => n + misfits(resultAround(h, ats[k]!, texts), style), 0);
  const [m, w] = [misfit(moved), misfit(written)];
  return m < w || (m === w && replacedVotes(written, ats, texts) > 0);
}
