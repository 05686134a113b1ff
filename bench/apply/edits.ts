// The edits a case makes to a source file: each takes the lines of a file and returns the
// edited lines, or null if it does not fit that file.
import type { Rng } from "./rng.ts";

type Edit = (lines: string[], rng: Rng) => string[] | null;

export const indent = (s: string) => /^\s*/.exec(s)![0];

/** A file's lines, without the empty string after its final newline. */
export function toLines(content: string): string[] {
  const l = content.split("\n");
  if (l[l.length - 1] === "") l.pop();
  return l;
}

/** The indexes of the items that pass `pred`, in order. */
export function indexesWhere<T>(xs: readonly T[], pred: (x: T, i: number) => boolean): number[] {
  return xs.flatMap((x, i) => (pred(x, i) ? [i] : []));
}

const NAMES = ["cursor", "payload", "settled", "attempt", "bucket", "marker", "handle", "pending", "summary", "fallback"];

const renameLocal: Edit = (lines, rng) => {
  const decls = lines
    .map((l, i) => ({ i, m: /^(\s*)(?:const|let)\s+([a-zA-Z_]\w{2,})\s*[=:]/.exec(l) }))
    .filter((d) => d.m !== null);
  if (decls.length === 0) return null;
  const d = rng.pick(decls);
  const name = d.m![2]!;
  const ind = d.m![1]!.length;
  const next = `${rng.pick(NAMES)}${name[0]!.toUpperCase()}${name.slice(1)}`;
  if (lines.some((l) => l.includes(next))) return null;
  const re = new RegExp(`\\b${name}\\b`, "g");
  const out = [...lines];
  for (let i = d.i; i < Math.min(lines.length, d.i + 25); i++) {
    const l = out[i]!;
    if (i > d.i && l.trim() !== "" && indent(l).length < ind) break;
    out[i] = l.replace(re, next);
  }
  return out;
};

const insertFunction: Edit = (lines, rng) => {
  const ends = indexesWhere(lines, (l) => l === "}");
  const at = ends.length > 0 ? rng.pick(ends) + 1 : lines.length;
  const name = `${rng.pick(["is", "has", "can", "should"])}${rng.pick(["Ready", "Valid", "Empty", "Settled", "Known"])}${rng.int(1, 99)}`;
  const param = rng.pick(["value", "input", "item", "entry"]);
  const fn = [
    "",
    `export function ${name}(${param}: unknown): boolean {`,
    `  if (${param} === null || ${param} === undefined) {`,
    "    return false;",
    "  }",
    `  return typeof ${param} === ${JSON.stringify(rng.pick(["object", "string", "function", "number"]))};`,
    "}",
  ];
  return [...lines.slice(0, at), ...fn, ...lines.slice(at)];
};

const deleteLines: Edit = (lines, rng) => {
  const stmts = indexesWhere(lines, (l) => /^\s+\S.*;$/.test(l) && !/^\s*(return|import|export)\b/.test(l));
  if (stmts.length === 0) return null;
  const at = rng.pick(stmts);
  let n = 1;
  while (n < 3 && /^\s+\S.*;$/.test(lines[at + n] ?? "") && indent(lines[at + n]!) === indent(lines[at]!)) n++;
  return [...lines.slice(0, at), ...lines.slice(at + n)];
};

const changeCondition: Edit = (lines, rng) => {
  const ifs = indexesWhere(lines, (l) => /\bif \((.+)\) \{$/.test(l));
  if (ifs.length === 0) return null;
  const at = rng.pick(ifs);
  const l = lines[at]!;
  let changed: string;
  if (l.includes("===") && rng.next() < 0.5) changed = l.replace("===", "!==");
  else if (l.includes("!==") && rng.next() < 0.5) changed = l.replace("!==", "===");
  else changed = l.replace(/\bif \((.+)\) \{$/, (_m, c: string) => `if ((${c}) && !${rng.pick(["disabled", "this.closed", "options.skip"])}) {`);
  if (changed === l) return null;
  const out = [...lines];
  out[at] = changed;
  return out;
};

const addImport: Edit = (lines, rng) => {
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (/^import .*;$/.test(lines[i]!)) last = i;
  const mod = rng.pick(["./internal/trace", "../utils/clock", "./lib/guards", "../core/shapes"]);
  const what = rng.pick(["trace", "now", "isRecord", "Shape"]);
  const line = `import { ${what} } from '${mod}';`;
  return [...lines.slice(0, last + 1), line, ...lines.slice(last + 1)];
};

const changeLiteral: Edit = (lines, rng) => {
  const hits = indexesWhere(lines, (l) => /'[^']{3,}'|"[^"]{3,}"/.test(l) && !/^import /.test(l));
  if (hits.length === 0) return null;
  const at = rng.pick(hits);
  const out = [...lines];
  out[at] = lines[at]!.replace(/(['"])([^'"]{3,})\1/, (_m, q: string, s: string) => `${q}${s}${rng.pick(["-v2", " (legacy)", "_next"])}${q}`);
  return out;
};

const insertStatement: Edit = (lines, rng) => {
  const opens = indexesWhere(lines, (l, i) => /\)\s*(?::\s*[^{]+)?\{$/.test(l) && /^\s/.test(lines[i + 1] ?? ""));
  if (opens.length === 0) return null;
  const at = rng.pick(opens);
  const ind = indent(lines[at + 1]!);
  const stmt = rng.pick([
    `${ind}debugLog(${JSON.stringify(`enter ${at}`)});`,
    `${ind}const startedAt = Date.now();`,
    `${ind}if (signal?.aborted) throw new Error('aborted');`,
  ]);
  return [...lines.slice(0, at + 1), stmt, ...lines.slice(at + 1)];
};

const replaceLines: Edit = (lines, rng) => {
  const stmts = indexesWhere(lines, (l) => /^\s+return .+;$/.test(l));
  if (stmts.length === 0) return null;
  const at = rng.pick(stmts);
  const l = lines[at]!;
  const ind = indent(l);
  const expr = l.trim().replace(/^return /, "").replace(/;$/, "");
  return [...lines.slice(0, at), `${ind}const result = ${expr};`, `${ind}debugLog('result', result);`, `${ind}return result;`, ...lines.slice(at + 1)];
};

export const EDITS: Record<string, Edit> = {
  rename: renameLocal,
  "insert-fn": insertFunction,
  "delete-lines": deleteLines,
  condition: changeCondition,
  import: addImport,
  literal: changeLiteral,
  "insert-stmt": insertStatement,
  replace: replaceLines,
};

/** The file after `edits` in turn, or null when one does not fit or nothing changed. */
export function applyEdits(content: string, edits: readonly string[], rng: Rng): string | null {
  let lines = toLines(content);
  for (const e of edits) {
    const r = EDITS[e]!(lines, rng);
    if (r === null) return null;
    lines = r;
  }
  const out = `${lines.join("\n")}\n`;
  return out === content ? null : out;
}
