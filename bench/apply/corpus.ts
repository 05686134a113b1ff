// The edit-applier benchmark corpus, generated deterministically (seeded) from real TypeScript
// that nobody on this project wrote: the .ts sources shipped in orchestrator/node_modules/openai
// and orchestrator/node_modules/zod, pinned by orchestrator/bun.lock (openai 7.57.0, zod 4.6.7).
//
// Each case: the files before, the reply a model might send (a diff, perturbed one way or a few
// ways, or a whole file), and the files expected after — or `null` when the only right answer is
// to refuse (ambiguous hunks, elided code).
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
// jsdiff from the orchestrator's own node_modules (pinned by its bun.lock); bench/ has no node_modules.
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "../../orchestrator/node_modules/diff/libesm/index.js";

export const CORPUS_SEED = 20240917;
const ORCH = join(import.meta.dir, "..", "..", "orchestrator");
const SOURCES = ["node_modules/openai/src", "node_modules/zod/src"];

export type Files = Record<string, string | null>;

export interface BenchCase {
  id: string;
  /** The edit made (rename, insert-fn, …). */
  edit: string;
  /** The perturbation applied to the clean diff (clean, bare-@@, …). */
  kind: string;
  filesOwned: string[];
  before: Files;
  /** What the model sent: the text given to planEdit, `patch` and `git apply` alike. */
  reply: string;
  /** null: the case must be refused. */
  expected: Files | null;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32).
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error("pick from empty");
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

// ---------------------------------------------------------------------------------------------
// Source files.
interface Source {
  path: string; // workspace-relative path used in the cases, e.g. openai/src/core/error.ts
  content: string;
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

export function loadSources(): Source[] {
  const files: Source[] = [];
  for (const s of SOURCES) {
    for (const full of walk(join(ORCH, s), [])) {
      const path = relative(join(ORCH, "node_modules"), full).split("\\").join("/");
      files.push({ path, content: readFileSync(full, "utf8") });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files.filter((f) => !f.content.includes("\r") && f.content.endsWith("\n"));
}

// ---------------------------------------------------------------------------------------------
// Edits: each takes the lines of a file and returns the edited lines, or null if it does not fit.
type Edit = (lines: string[], rng: Rng) => string[] | null;

const indent = (s: string) => /^\s*/.exec(s)![0];
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
  const ends = lines.map((l, i) => (l === "}" ? i : -1)).filter((i) => i >= 0);
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
  const stmts = lines.map((l, i) => (/^\s+\S.*;$/.test(l) && !/^\s*(return|import|export)\b/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (stmts.length === 0) return null;
  const at = rng.pick(stmts);
  let n = 1;
  while (n < 3 && /^\s+\S.*;$/.test(lines[at + n] ?? "") && indent(lines[at + n]!) === indent(lines[at]!)) n++;
  return [...lines.slice(0, at), ...lines.slice(at + n)];
};

const changeCondition: Edit = (lines, rng) => {
  const ifs = lines.map((l, i) => (/\bif \((.+)\) \{$/.test(l) ? i : -1)).filter((i) => i >= 0);
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
  const hits = lines.map((l, i) => (/'[^']{3,}'|"[^"]{3,}"/.test(l) && !/^import /.test(l) ? i : -1)).filter((i) => i >= 0);
  if (hits.length === 0) return null;
  const at = rng.pick(hits);
  const out = [...lines];
  out[at] = lines[at]!.replace(/(['"])([^'"]{3,})\1/, (_m, q: string, s: string) => `${q}${s}${rng.pick(["-v2", " (legacy)", "_next"])}${q}`);
  return out;
};

const insertStatement: Edit = (lines, rng) => {
  const opens = lines.map((l, i) => (/\)\s*(?::\s*[^{]+)?\{$/.test(l) && /^\s/.test(lines[i + 1] ?? "") ? i : -1)).filter((i) => i >= 0);
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
  const stmts = lines.map((l, i) => (/^\s+return .+;$/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (stmts.length === 0) return null;
  const at = rng.pick(stmts);
  const l = lines[at]!;
  const ind = indent(l);
  const expr = l.trim().replace(/^return /, "").replace(/;$/, "");
  return [...lines.slice(0, at), `${ind}const result = ${expr};`, `${ind}debugLog('result', result);`, `${ind}return result;`, ...lines.slice(at + 1)];
};

const appendAtEnd: Edit = (lines, rng) => {
  const name = `${rng.pick(["DEFAULT", "MAX", "MIN"])}_${rng.pick(["RETRIES", "DEPTH", "WIDTH"])}`;
  return [...lines, "", `export const ${name} = ${rng.int(2, 64)};`];
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

// ---------------------------------------------------------------------------------------------
// Diffs as data, so they can be perturbed and re-serialised.
interface DHunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  lines: string[]; // with op char; may include "\ No newline at end of file"
}
interface DFile {
  oldName: string;
  newName: string;
  hunks: DHunk[];
}

function toLines(content: string): string[] {
  const l = content.split("\n");
  if (l[l.length - 1] === "") l.pop();
  return l;
}

function makeDiff(path: string, before: string | null, after: string | null, context = 3): DFile {
  const p = structuredPatch(
    before === null ? "/dev/null" : `a/${path}`,
    after === null ? "/dev/null" : `b/${path}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context },
  );
  return {
    oldName: p.oldFileName!,
    newName: p.newFileName!,
    hunks: p.hunks.map((h) => ({ oldStart: h.oldStart, oldCount: h.oldLines, newStart: h.newStart, newCount: h.newLines, lines: [...h.lines] })),
  };
}

interface RenderOptions {
  header?: (h: DHunk) => string;
  names?: (f: DFile) => [string, string];
}

function render(files: readonly DFile[], o: RenderOptions = {}): string {
  let out = "";
  for (const f of files) {
    const [a, b] = o.names ? o.names(f) : [f.oldName, f.newName];
    out += `--- ${a}\n+++ ${b}\n`;
    for (const h of f.hunks) {
      out += `${o.header ? o.header(h) : `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@`}\n`;
      for (const l of h.lines) out += `${l}\n`;
    }
  }
  return out;
}

const clone = (files: readonly DFile[]): DFile[] => files.map((f) => ({ ...f, hunks: f.hunks.map((h) => ({ ...h, lines: [...h.lines] })) }));

/** Check a structured patch by formatting it the way jsdiff does (used for the clean diff). */
function cleanText(path: string, before: string | null, after: string | null): string {
  return formatPatch(
    structuredPatch(before === null ? "/dev/null" : `a/${path}`, after === null ? "/dev/null" : `b/${path}`, before ?? "", after ?? "", undefined, undefined, { context: 3 }),
    FILE_HEADERS_ONLY,
  );
}

// ---------------------------------------------------------------------------------------------
// Perturbations of a diff (the model's mistakes). Each returns the reply text, or null if it does
// not apply to this diff (e.g. no blank context line to strip).
type Perturb = (files: DFile[], rng: Rng) => string | null;

/**
 * Set by a perturbation that destroyed the information needed to apply the edit exactly (so the
 * only right answer is a refusal). Read and reset by the case builder.
 */
let informationLost = false;

const stripPrefix = (n: string) => (n === "/dev/null" ? n : n.replace(/^[ab]\//, ""));

const withContext = (files: DFile[], fn: (text: string, rng: Rng) => string, rng: Rng, pred: (text: string) => boolean): boolean => {
  let touched = false;
  for (const f of files)
    for (const h of f.hunks)
      h.lines = h.lines.map((l) => {
        if (l[0] !== " " || !pred(l.slice(1))) return l;
        const t = fn(l.slice(1), rng);
        if (t !== l.slice(1)) touched = true;
        return ` ${t}`;
      });
  return touched;
};

const PROSE_BEFORE = [
  "Here is the change:",
  "Sure! The following diff implements the requested change.",
  "I updated the file as requested.\n\nChanges:",
];
const PROSE_AFTER = [
  "This keeps the rest of the file unchanged.",
  "Let me know if you need anything else!",
  "The change is minimal and should type-check.",
];

export const PERTURBATIONS: Record<string, Perturb> = {
  clean: (files) => render(files),
  "fenced-prose": (files, rng) => `${rng.pick(PROSE_BEFORE)}\n\n\`\`\`diff\n${render(files)}\`\`\`\n\n${rng.pick(PROSE_AFTER)}\n`,
  "unfenced-prose": (files, rng) => `${rng.pick(PROSE_BEFORE)}\n\n${render(files)}\n${rng.pick(PROSE_AFTER)}\n`,
  "wrong-line-numbers": (files, rng) => {
    const f2 = clone(files);
    for (const f of f2)
      for (const h of f.hunks) {
        let shift = rng.pick([-1, 1]) * rng.int(2, 30);
        if (h.oldStart + shift < 1 || h.newStart + shift < 1) shift = -shift;
        h.oldStart += shift;
        h.newStart += shift;
      }
    return render(f2);
  },
  "bare-@@": (files, rng) => {
    const form = rng.pick(["@@ @@", "@@", "@@ ... @@"]);
    return render(files, { header: () => form });
  },
  "wrong-counts": (files, rng) =>
    render(files, {
      header: (h) => `@@ -${h.oldStart},${h.oldCount + rng.int(1, 3)} +${h.newStart},${Math.max(0, h.newCount - rng.int(1, 3))} @@`,
    }),
  "no-prefix": (files) => render(files, { names: (f) => [stripPrefix(f.oldName), stripPrefix(f.newName)] }),
  "other-prefix": (files, rng) => {
    const pre = rng.pick(["orig/", "./", "workspace/"]);
    return render(files, { names: (f) => [f.oldName === "/dev/null" ? f.oldName : pre + stripPrefix(f.oldName), f.newName === "/dev/null" ? f.newName : pre + stripPrefix(f.newName)] });
  },
  "blank-context-stripped": (files) => {
    const f2 = clone(files);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks)
        h.lines = h.lines.map((l) => {
          if (l === " ") {
            touched = true;
            return "";
          }
          return l;
        });
    return touched ? render(f2) : null;
  },
  "indent-context": (files, rng) => {
    const f2 = clone(files);
    const ok = withContext(
      f2,
      (t, r) => (r.next() < 0.5 ? t : r.pick([(s: string) => `  ${s}`, (s: string) => s.replace(/^ {1,2}/, ""), (s: string) => s.replace(/^ {2}/, "\t"), (s: string) => s.trimStart()])(t)),
      rng,
      (t) => t.trim() !== "",
    );
    return ok ? render(f2) : null;
  },
  "trailing-ws-context": (files, rng) => {
    const f2 = clone(files);
    const ok = withContext(f2, (t, r) => (r.next() < 0.5 ? t : t + r.pick([" ", "  ", "\t"])), rng, (t) => t.trim() !== "");
    return ok ? render(f2) : null;
  },
  "less-context": (files, rng) => {
    const f2 = clone(files);
    const keep = rng.int(1, 2);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks) {
        let lead = 0;
        while (h.lines[lead]?.[0] === " ") lead++;
        let tail = 0;
        while (h.lines[h.lines.length - 1 - tail]?.[0] === " ") tail++;
        const dropLead = Math.max(0, lead - keep);
        const dropTail = Math.max(0, tail - keep);
        if (dropLead + dropTail === 0) continue;
        touched = true;
        h.lines = h.lines.slice(dropLead, h.lines.length - dropTail);
        h.oldStart += dropLead;
        h.newStart += dropLead;
        h.oldCount -= dropLead + dropTail;
        h.newCount -= dropLead + dropTail;
      }
    return touched ? render(f2) : null;
  },
  "hunks-reordered": (files) => {
    if (!files.some((f) => f.hunks.length > 1)) return null;
    const f2 = clone(files);
    for (const f of f2) f.hunks.reverse();
    return render(f2);
  },
  "no-headers": (files) => {
    if (files.length !== 1) return null;
    return files[0]!.hunks.map((h) => `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@\n${h.lines.join("\n")}\n`).join("");
  },
  truncated: (files, rng) => {
    // the reply hit the token limit inside the last hunk: the fence never closes
    const text = render(files);
    const lines = text.split("\n");
    const lastHeader = lines.map((l, i) => (l.startsWith("@@") ? i : -1)).filter((i) => i >= 0).pop()!;
    const hunkLen = lines.length - 1 - (lastHeader + 1);
    if (hunkLen < 3) return null;
    const keep = lastHeader + 1 + rng.int(1, hunkLen - 1);
    return `\`\`\`diff\n${lines.slice(0, keep).join("\n")}\n`;
  },
  // --- beyond the required list: other slips seen from small models ---
  "blank-context-dropped": (files, rng) => {
    // A blank context line left out of the hunk altogether (counts corrected, so only the line is
    // missing). When the blank sat right next to added lines, nothing says on which side of it they
    // go: then the case must be refused.
    const f2 = clone(files);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks) {
        const blanks = h.lines.map((l, k) => (l === " " && k > 0 && k < h.lines.length - 1 ? k : -1)).filter((k) => k >= 0);
        if (blanks.length === 0) continue;
        const i = rng.pick(blanks);
        if (h.lines[i - 1]![0] === "+" || h.lines[i + 1]![0] === "+") informationLost = true;
        h.lines.splice(i, 1);
        h.oldCount--;
        h.newCount--;
        touched = true;
      }
    return touched ? render(f2) : null;
  },
  "whole-hunk-shifted": (files, rng) => {
    // every line of the hunk (context, removed, added) indented differently from the file
    // (De-indenting only where every line has the indentation to lose: a line clamped at column 0
    // cannot be told from one that belongs there.)
    const canDedent = files.every((f) => f.hunks.every((h) => h.lines.every((l) => l.slice(1).trim() === "" || l[0] === "\\" || l.startsWith("  ", 1))));
    const shift = canDedent && rng.next() < 0.5 ? (s: string) => s.replace(/^ {2}/, "") : (s: string) => `  ${s}`;
    const f2 = clone(files);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks)
        h.lines = h.lines.map((l) => {
          if (l[0] === "\\" || l.slice(1).trim() === "") return l;
          const t = shift(l.slice(1));
          if (t !== l.slice(1)) touched = true;
          return l[0] + t;
        });
    // Only a fair test when the removed lines moved too (otherwise the added lines' indentation is the model's choice).
    const removedMoved = f2.some((f) => f.hunks.some((h) => h.lines.some((l, i) => l[0] === "-" && l !== files[f2.indexOf(f)]!.hunks[f.hunks.indexOf(h)]!.lines[i])));
    return touched && removedMoved ? render(f2) : null;
  },
  "unprefixed-context": (files, rng) => {
    // some context lines lost their leading space entirely (inside a fenced block)
    const f2 = clone(files);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks)
        h.lines = h.lines.map((l, i) => {
          if (l[0] !== " " || i === 0 || l.trim() === "" || /^[-+@\\]/.test(l.slice(1)) || rng.next() < 0.5) return l;
          touched = true;
          return l.slice(1);
        });
    return touched ? `\`\`\`diff\n${render(f2)}\`\`\`\n` : null;
  },
  "tabs-in-context": (files, rng) => {
    // context indentation written with tabs where the file has spaces
    const f2 = clone(files);
    const ok = withContext(f2, (t, r) => (r.next() < 0.6 ? t.replace(/^( {2})+/, (m) => "\t".repeat(m.length / 2)) : t), rng, (t) => /^ {2}/.test(t));
    return ok ? render(f2) : null;
  },
  "combined-a": (files, rng) => {
    // bare @@, no prefixes, blank context stripped, trailing whitespace, fenced with prose
    const f2 = clone(files);
    withContext(f2, (t, r) => (r.next() < 0.3 ? `${t} ` : t), rng, (t) => t.trim() !== "");
    for (const f of f2) for (const h of f.hunks) h.lines = h.lines.map((l) => (l === " " ? "" : l));
    return `${rng.pick(PROSE_BEFORE)}\n\`\`\`diff\n${render(f2, { header: () => "@@ @@", names: (f) => [stripPrefix(f.oldName), stripPrefix(f.newName)] })}\`\`\`\n`;
  },
  "combined-b": (files, rng) => {
    // wrong line numbers, wrong counts, indentation drift on context, other prefix, unfenced
    const f2 = clone(files);
    withContext(f2, (t, r) => (r.next() < 0.4 ? `  ${t}` : t), rng, (t) => t.trim() !== "");
    const shift = rng.int(3, 20);
    return `${rng.pick(PROSE_BEFORE)}\n${render(f2, {
      header: (h) => `@@ -${h.oldStart + shift},${h.oldCount + 1} +${h.newStart + shift},${h.newCount} @@`,
      names: (f) => [f.oldName === "/dev/null" ? f.oldName : `orig/${stripPrefix(f.oldName)}`, f.newName === "/dev/null" ? f.newName : `new/${stripPrefix(f.newName)}`],
    })}`;
  },
};

// ---------------------------------------------------------------------------------------------
// Case building.

/** Perturbations whose only right answer is a refusal. */
const MUST_REFUSE = new Set(["truncated"]);

/** Perturbations after which the hunk headers no longer say where a hunk goes. */
const LINE_NUMBERS_LOST = new Set(["bare-@@", "wrong-line-numbers", "combined-a", "combined-b", "multi-file-bare-@@", "multi-file-wrong-lines"]);

/**
 * Ground truth for "is this hunk placeable at all": when some hunk's old side (context + removed,
 * as the clean diff has it) occurs more than once in the file and the header no longer tells which
 * occurrence, the only right answer is to refuse.
 */
function ambiguousWithoutLineNumbers(diff: DFile, before: string): boolean {
  const file = toLines(before);
  for (const h of diff.hunks) {
    const old = h.lines.filter((l) => l[0] === " " || l[0] === "-").map((l) => l.slice(1));
    if (old.length === 0) continue;
    let count = 0;
    for (let i = 0; i + old.length <= file.length && count < 2; i++) {
      if (old.every((t, j) => file[i + j] === t)) count++;
    }
    if (count > 1) return true;
  }
  return false;
}
function applyEdits(content: string, edits: readonly string[], rng: Rng): string | null {
  let lines = toLines(content);
  for (const e of edits) {
    const r = EDITS[e]!(lines, rng);
    if (r === null) return null;
    lines = r;
  }
  const out = `${lines.join("\n")}\n`;
  return out === content ? null : out;
}

function crlf(s: string | null): string | null {
  return s === null ? null : s.replace(/\n/g, "\r\n");
}

function dropFinalNewline(s: string | null): string | null {
  return s === null ? null : s.replace(/\n$/, "");
}

/** A window of `len` lines that occurs (exactly) at least twice; returns both starts. */
function findDuplicateWindow(lines: readonly string[], len: number): [number, number] | null {
  const seen = new Map<string, number>();
  for (let i = 0; i + len <= lines.length; i++) {
    const w = lines.slice(i, i + len);
    if (w.some((l) => l.trim() === "") || w.filter((l) => l.trim().length > 3).length < 2) continue;
    const key = w.join("\n");
    const prev = seen.get(key);
    if (prev !== undefined && i - prev >= len + 6) return [prev, i];
    if (prev === undefined) seen.set(key, i);
  }
  return null;
}

const WHOLE_LABELS = [
  (p: string, body: string) => `Here is the updated file:\n\n\`\`\`ts ${p}\n${body}\`\`\`\n`,
  (p: string, body: string) => `\`\`\`${p}\n${body}\`\`\`\n`,
  (p: string, body: string) => `Updated version:\n\n\`${p}\`:\n\`\`\`typescript\n${body}\`\`\`\n\nDone.`,
  (p: string, body: string) => `**${p}**\n\`\`\`ts\n${body}\`\`\`\n`,
];

export function buildCorpus(seed = CORPUS_SEED): BenchCase[] {
  const rng = new Rng(seed);
  const all = loadSources();
  const small = all.filter((s) => {
    const n = toLines(s.content).length;
    return n >= 30 && n <= 200;
  });
  const medium = all.filter((s) => {
    const n = toLines(s.content).length;
    return n >= 30 && n <= 900;
  });
  const cases: BenchCase[] = [];
  const editNames = Object.keys(EDITS);
  const kinds = Object.keys(PERTURBATIONS);
  let id = 0;
  const push = (c: Omit<BenchCase, "id">) => cases.push({ id: `c${String(++id).padStart(4, "0")}`, ...c });

  // Single-file edits × perturbations. Every perturbation kind gets the same number of attempts.
  const PER_KIND = 18;
  for (const kind of kinds) {
    let made = 0;
    let guard = 0;
    while (made < PER_KIND && guard++ < 400) {
      const src = rng.pick(medium);
      const multi = kind === "hunks-reordered" || rng.next() < 0.25;
      const edits = multi ? [rng.pick(editNames), rng.pick(editNames)] : [rng.pick(editNames)];
      const after = applyEdits(src.content, edits, rng);
      if (after === null) continue;
      let before: string | null = src.content;
      let expected: string | null = after;
      let k = kind;
      // Line-ending variants ride on the clean diff of the LF file.
      const variant = made % 6 === 5 ? "crlf" : made % 6 === 4 ? "no-eol" : null;
      const diffFiles = [makeDiff(src.path, before, after)];
      informationLost = false;
      const reply = PERTURBATIONS[kind]!(clone(diffFiles), rng);
      if (reply === null) continue;
      const lost = informationLost;
      if (variant === "crlf") {
        before = crlf(before);
        expected = crlf(expected);
        k = `${kind}+crlf`;
      } else if (variant === "no-eol") {
        before = dropFinalNewline(before);
        expected = dropFinalNewline(expected);
        // The diff was made from the file with a newline, so it has no "\ No newline" markers —
        // the way a model writes it.
        k = `${kind}+no-eol`;
      }
      const dup = LINE_NUMBERS_LOST.has(kind) && ambiguousWithoutLineNumbers(diffFiles[0]!, src.content);
      const others = kind === "no-headers" ? [] : rng.shuffle(medium.filter((m) => m.path !== src.path)).slice(0, rng.int(0, 2));
      push({
        edit: edits.join("+") + (dup ? " (context occurs twice)" : "") + (lost ? " (placement lost)" : ""),
        kind: k,
        filesOwned: [src.path, ...others.map((o) => o.path)],
        before: { [src.path]: before, ...Object.fromEntries(others.map((o) => [o.path, o.content])) },
        reply,
        expected: dup || lost || MUST_REFUSE.has(kind) ? null : { [src.path]: expected, ...Object.fromEntries(others.map((o) => [o.path, o.content])) },
      });
      made++;
    }
  }

  // End-of-file edits on files without a final newline (the diff touches the last line).
  for (let n = 0; n < 12; n++) {
    const src = rng.pick(medium);
    const before = dropFinalNewline(src.content)!;
    const after = dropFinalNewline(applyEdits(src.content, ["import", ...(n % 2 ? ["delete-lines"] : [])], rng) ?? "")!;
    const appended = `${after}\n\nexport const LIMIT_${n} = ${n + 1};`;
    const cleanFiles = [makeDiff(src.path, `${before}\n`, `${appended}\n`)];
    const kind = n % 3 === 0 ? "clean" : n % 3 === 1 ? "bare-@@" : "fenced-prose";
    push({
      edit: "append-at-eof",
      kind: `${kind}+no-eol-tail`,
      filesOwned: [src.path],
      before: { [src.path]: before },
      reply: PERTURBATIONS[kind]!(cleanFiles, rng)!,
      expected: { [src.path]: appended },
    });
  }

  // Multi-file edits: one fenced block per file with prose between, or one block for all.
  for (let n = 0; n < 24; n++) {
    const [a, b] = rng.shuffle(medium).slice(0, 2) as [Source, Source];
    const afterA = applyEdits(a.content, [rng.pick(editNames)], rng);
    const afterB = applyEdits(b.content, [rng.pick(editNames)], rng);
    if (afterA === null || afterB === null) continue;
    const fa = makeDiff(a.path, a.content, afterA);
    const fb = makeDiff(b.path, b.content, afterB);
    const style = n % 3;
    const reply =
      style === 0
        ? `I need to change two files.\n\nFirst \`${a.path}\`:\n\n\`\`\`diff\n${render([fa])}\`\`\`\n\nThen \`${b.path}\`:\n\n\`\`\`diff\n${render([fb])}\`\`\`\n\nThat's all.`
        : style === 1
          ? `\`\`\`diff\n${render([fa, fb], { header: () => "@@ @@" })}\`\`\`\n`
          : PERTURBATIONS["wrong-line-numbers"]!([fa, fb], rng)!;
    const kind = ["multi-block", "multi-file-bare-@@", "multi-file-wrong-lines"][style]!;
    const dup = LINE_NUMBERS_LOST.has(kind) && (ambiguousWithoutLineNumbers(fa, a.content) || ambiguousWithoutLineNumbers(fb, b.content));
    push({
      edit: `two-files${dup ? " (context occurs twice)" : ""}`,
      kind,
      filesOwned: [a.path, b.path],
      before: { [a.path]: a.content, [b.path]: b.content },
      reply,
      expected: dup ? null : { [a.path]: afterA, [b.path]: afterB },
    });
  }

  // New files (--- /dev/null), next to an edit of an existing file half of the time.
  for (let n = 0; n < 16; n++) {
    const donor = rng.pick(small);
    const newPath = `src/generated/${["helpers", "shapes", "guards", "schema-utils"][n % 4]}-${n}.ts`;
    const content = `${toLines(donor.content).slice(0, rng.int(8, 40)).join("\n")}\n`;
    const fNew = makeDiff(newPath, null, content);
    const files = [fNew];
    const before: Files = { [newPath]: null };
    const expected: Files = { [newPath]: content };
    const owned = [newPath];
    if (n % 2 === 1) {
      const other = rng.pick(medium);
      const afterO = applyEdits(other.content, ["import"], rng)!;
      files.unshift(makeDiff(other.path, other.content, afterO));
      before[other.path] = other.content;
      expected[other.path] = afterO;
      owned.push(other.path);
    }
    const kind = ["clean", "fenced-prose", "no-prefix", "bare-@@"][n % 4]!;
    push({ edit: "new-file", kind, filesOwned: owned, before, reply: PERTURBATIONS[kind]!(files, rng)!, expected });
  }

  // Whole-file answers (files up to 200 lines).
  for (let n = 0; n < 20; n++) {
    const src = rng.pick(small);
    const after = applyEdits(src.content, [rng.pick(editNames)], rng);
    if (after === null) continue;
    push({
      edit: "whole-file",
      kind: "whole-file",
      filesOwned: [src.path],
      before: { [src.path]: src.content },
      reply: WHOLE_LABELS[n % WHOLE_LABELS.length]!(src.path, after),
      expected: { [src.path]: after },
    });
  }

  // Hunks whose context appears twice. Without a usable line number they must be refused;
  // with the right line number (as `diff` writes it) they must apply at that line.
  let dupMade = 0;
  for (const src of rng.shuffle(medium)) {
    if (dupMade >= 36) break;
    const lines = toLines(src.content);
    const w = findDuplicateWindow(lines, 3);
    if (w === null) continue;
    const [first, second] = w;
    const target = rng.next() < 0.5 ? first : second;
    const mid = target + 1;
    const changed = [...lines];
    const orig = lines[mid]!;
    changed[mid] = /;$/.test(orig) ? `${orig} // changed` : `${orig} /* changed */`;
    const after = `${changed.join("\n")}\n`;
    const d = makeDiff(src.path, src.content, after, 1); // context 1: the hunk is exactly the window
    const h = d.hunks[0]!;
    if (d.hunks.length !== 1 || h.lines.length !== 4) continue;
    const style = dupMade % 3;
    let reply: string;
    let expected: Files | null;
    let kind: string;
    if (style === 0) {
      reply = render([d], { header: () => "@@ @@" });
      expected = null;
      kind = "ambiguous-bare-@@";
    } else if (style === 1) {
      // a wrong line number that points at neither copy
      const bogus = Math.max(1, Math.min(first, second) + 1 + Math.floor(Math.abs(second - first) / 2));
      if (lines.slice(bogus - 1, bogus + 2).join("\n") === lines.slice(first, first + 3).join("\n")) continue;
      reply = render([d], { header: (x) => `@@ -${bogus},${x.oldCount} +${bogus},${x.newCount} @@` });
      expected = null;
      kind = "ambiguous-wrong-line";
    } else {
      reply = render([d]);
      expected = { [src.path]: after };
      kind = "dup-context-right-line";
    }
    push({ edit: "dup-window", kind, filesOwned: [src.path], before: { [src.path]: src.content }, reply, expected });
    dupMade++;
  }

  // Elision: the model "abbreviates" code it did not mean to change. Must be refused.
  const PLACEHOLDERS = ["// ... existing code ...", "// ... rest of the function unchanged ...", "/* ... */", "// ...", "// rest of code"];
  let elMade = 0;
  for (const src of rng.shuffle(small)) {
    if (elMade >= 16) break;
    const lines = toLines(src.content);
    const starts = lines
      .map((l, i) => (/\{$/.test(l) && (lines[i + 1] ?? "").trim() !== "" && lines.slice(i + 1, i + 5).every((x) => x.trim() !== "" && !x.includes("}")) ? i : -1))
      .filter((i) => i >= 0);
    if (starts.length === 0) continue;
    const at = rng.pick(starts);
    const ind = indent(lines[at + 1]!);
    const ph = PLACEHOLDERS[elMade % PLACEHOLDERS.length]!;
    const edited = [...lines.slice(0, at + 1), `${ind}debugLog('start');`, `${ind}${ph}`, ...lines.slice(at + 5)];
    const after = `${edited.join("\n")}\n`;
    const whole = elMade % 4 === 3 && lines.length <= 200;
    push({
      edit: "elision",
      kind: whole ? "elision-whole-file" : "elision-diff",
      filesOwned: [src.path],
      before: { [src.path]: src.content },
      reply: whole ? WHOLE_LABELS[0]!(src.path, after) : `\`\`\`diff\n${cleanText(src.path, src.content, after)}\`\`\`\n`,
      expected: null,
    });
    elMade++;
  }
  return cases;
}
