// The tolerant applier: pure and in memory. Each hunk is located in the ORIGINAL file by the
// lines it expects to find there (context + removed), first exactly, then ignoring trailing
// whitespace, then ignoring all whitespace differences. A hunk is applied only where it matches
// in exactly one place (or, among several equal matches, exactly at the line its header names);
// otherwise the edit is refused with a detail that tells the model what to fix. Header line
// numbers and counts are otherwise ignored, hunks may come in any order, and untouched lines
// keep their own bytes (line endings, trailing whitespace, missing final newline).
import { reject, type Rejection } from "./contract.ts";
import { placeholderContext } from "./elision.ts";
import { WHOLE_FILE_MAX_LINES } from "./limits.ts";
import type { HunkLine, LexHunk } from "./lex.ts";
import { indentOf, joinFile, quote, splitFile, squash, type Line } from "./text.ts";

export type FileKind = "modify" | "create" | "delete";

export type TolerantResult = { ok: true; after: string | null } | Rejection;

type Tier = { name: string; norm: (s: string) => string };
const TIERS: Tier[] = [
  { name: "exact", norm: (s) => s },
  { name: "trailing whitespace ignored", norm: (s) => s.trimEnd() },
  { name: "whitespace ignored", norm: squash },
];

interface Block {
  hunk: number;
  /** Replaced range of original lines [start, end). start === end: pure insertion. */
  start: number;
  end: number;
  added: string[];
}

const MAX_SHOWN = 4;

function hunkName(path: string, k: number, total: number, h: LexHunk): string {
  const where = h.oldStart !== null ? ` (header says line ${h.oldStart})` : "";
  return total > 1 ? `${path}, hunk ${k + 1} of ${total}${where}` : `${path}, the hunk${where}`;
}

function findAll(fileNorm: readonly string[], old: readonly string[]): number[] {
  const out: number[] = [];
  const first = old[0]!;
  outer: for (let i = 0; i + old.length <= fileNorm.length; i++) {
    if (fileNorm[i] !== first) continue;
    for (let j = 1; j < old.length; j++) if (fileNorm[i + j] !== old[j]) continue outer;
    out.push(i);
  }
  return out;
}

/** Where the hunk's old lines agree most with the file (for the failure message). */
function bestPartial(fileSq: readonly string[], oldSq: readonly string[], hint: number | null): { at: number; score: number } {
  const byText = new Map<string, number[]>();
  fileSq.forEach((t, k) => {
    if (t === "") return;
    const list = byText.get(t);
    if (list) list.push(k);
    else byText.set(t, [k]);
  });
  const votes = new Map<number, number>();
  oldSq.forEach((t, j) => {
    for (const k of byText.get(t) ?? []) votes.set(k - j, (votes.get(k - j) ?? 0) + 1);
  });
  let at = 0;
  let score = 0;
  for (const [start, v] of votes) {
    const closer = hint !== null && Math.abs(start + 1 - hint) < Math.abs(at + 1 - hint);
    if (v > score || (v === score && closer)) {
      at = start;
      score = v;
    }
  }
  return { at, score };
}

/** An indentation shift: the file has `file` where the diff has `diff`, in front of the same rest. */
interface Shift {
  file: string;
  diff: string;
  /** A removed line carries the shift (the model copied the file's code, shifted). */
  byRemoved: boolean;
}

/**
 * The one indentation shift every non-blank expected line of a hunk shows, or null. Lines the
 * diff has exactly as the file are compatible with a shift only when the shift could not apply to
 * them (de-indenting a line that has no indentation to lose).
 */
function hunkShift(oldLines: readonly HunkLine[], fileLines: readonly string[]): Shift | null {
  let pair: [string, string] | null = null;
  let byRemoved = false;
  const exactIndents: string[] = [];
  for (let j = 0; j < oldLines.length; j++) {
    const d = oldLines[j]!.text;
    const f = fileLines[j]!;
    if (d.trim() === "") continue;
    if (d.trim() !== f.trim()) return null;
    const di = indentOf(d);
    const fi = indentOf(f);
    let k = 0;
    while (k < di.length && k < fi.length && di[di.length - 1 - k] === fi[fi.length - 1 - k]) k++;
    const p: [string, string] = [fi.slice(0, fi.length - k), di.slice(0, di.length - k)];
    if (p[0] === p[1]) {
      exactIndents.push(fi);
      continue;
    }
    if (pair === null) pair = p;
    else if (pair[0] !== p[0] || pair[1] !== p[1]) return null;
    if (oldLines[j]!.op === "-") byRemoved = true;
  }
  if (pair === null) return null;
  const [file, diff] = pair;
  if (exactIndents.some((fi) => fi.startsWith(file) && (diff !== "" || fi.length >= file.length))) return null;
  return { file, diff, byRemoved };
}

function shiftLine(shift: Shift | null, s: string): string {
  if (shift === null || s.trim() === "") return s;
  if (s.startsWith(shift.diff)) return shift.file + s.slice(shift.diff.length);
  return s;
}

/**
 * Matches a hunk with blank lines ignored on both sides, and rewrites each match into a hunk that
 * fits the file line for line: blank file lines the hunk left out become context (or removed
 * lines, when they sit between two removed lines), blank hunk lines the file lacks are dropped.
 */
function matchIgnoringBlanks(h: LexHunk, texts: readonly string[], fileSq: readonly string[]): { at: number; hunk: LexHunk; unclearBlank: number | null }[] {
  const nb: number[] = [];
  fileSq.forEach((t, k) => {
    if (t !== "") nb.push(k);
  });
  const nbSq = nb.map((k) => fileSq[k]!);
  const oldNB = h.lines.filter((l) => l.op !== "+" && l.text.trim() !== "").map((l) => squash(l.text));
  const out: { at: number; hunk: LexHunk; unclearBlank: number | null }[] = [];
  for (const q of findAll(nbSq, oldNB)) {
    // Leading blank old lines of the hunk take file blanks just above the first match, if any.
    const firstOld = h.lines.findIndex((l) => l.op !== "+" && l.text.trim() !== "");
    let start = nb[q]!;
    let leadingBlanks = h.lines.slice(0, firstOld).filter((l) => l.op !== "+").length;
    while (leadingBlanks > 0 && start > 0 && fileSq[start - 1] === "") {
      start--;
      leadingBlanks--;
    }
    const lines: HunkLine[] = [];
    let cursor = start;
    let prevOld: HunkLine | null = null;
    // A left-out blank line right after added lines: were they meant above or below it?
    let unclearBlank: number | null = null;
    for (let i = 0; i < h.lines.length; i++) {
      const line = h.lines[i]!;
      if (line.op === "+") {
        lines.push(line);
        continue;
      }
      if (line.text.trim() === "") {
        if (cursor < texts.length && fileSq[cursor] === "") {
          lines.push({ op: line.op, text: texts[cursor]! });
          cursor++;
          prevOld = line;
        }
        continue; // a blank the file does not have here: nothing to match or remove
      }
      while (cursor < texts.length && fileSq[cursor] === "") {
        if (lines[lines.length - 1]?.op === "+") unclearBlank ??= cursor;
        const between = prevOld?.op === "-" && line.op === "-";
        lines.push({ op: between ? "-" : " ", text: texts[cursor]! });
        cursor++;
      }
      lines.push(line);
      cursor++;
      prevOld = line;
    }
    out.push({ at: start, hunk: { ...h, lines }, unclearBlank });
  }
  return out;
}

/**
 * `diff` always writes context after a change unless the change is at the end of the file (and
 * before it unless at the start). So a hunk with context above and none below, among equal
 * matches, belongs at the one match that ends the file; one with context only below, at the one
 * that starts it. Same rule as GNU patch.
 */
function anchoredAtFileEnd(h: LexHunk, found: readonly number[], oldLen: number, fileLen: number): number | null {
  let lead = 0;
  while (lead < h.lines.length && h.lines[lead]!.op === " ") lead++;
  let trail = 0;
  while (trail < h.lines.length && h.lines[h.lines.length - 1 - trail]!.op === " ") trail++;
  if (lead === h.lines.length) return null;
  if (trail === 0 && lead > 0) {
    const end = found.filter((i) => i + oldLen === fileLen);
    return end.length === 1 ? end[0]! : null;
  }
  if (lead === 0 && trail > 0) {
    const start = found.filter((i) => i === 0);
    return start.length === 1 ? start[0]! : null;
  }
  return null;
}

/**
 * For the refusal message: aligns the hunk's expected lines with the file around the closest place
 * (longest common subsequence, whitespace ignored) and says, for each line that is not there,
 * what the file has in its place — or that the file has nothing there.
 */
function describeMismatch(
  oldLines: readonly HunkLine[],
  oldSq: readonly string[],
  texts: readonly string[],
  fileSq: readonly string[],
  near: number,
): string[] {
  const from = Math.max(0, near - 3);
  const to = Math.min(texts.length, near + oldLines.length + 3);
  const m = oldSq.length;
  const n = to - from;
  const lcs: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  for (let j = m - 1; j >= 0; j--)
    for (let k = n - 1; k >= 0; k--)
      lcs[j]![k] = oldSq[j] === fileSq[from + k] ? lcs[j + 1]![k + 1]! + 1 : Math.max(lcs[j + 1]![k]!, lcs[j]![k + 1]!);
  const matchedAt = new Array<number>(m).fill(-1);
  for (let j = 0, k = 0; j < m && k < n; ) {
    if (oldSq[j] === fileSq[from + k]) {
      matchedAt[j] = from + k;
      j++;
      k++;
    } else if (lcs[j + 1]![k]! >= lcs[j]![k + 1]!) j++;
    else k++;
  }
  const out: string[] = [];
  const paired = new Set<number>(matchedAt.filter((x) => x !== -1));
  for (let j = 0; j < m; j++) {
    if (matchedAt[j] !== -1) continue;
    // the gap in the file between the matched neighbours, and this line's place in the gap
    let p = j - 1;
    while (p >= 0 && matchedAt[p] === -1) p--;
    let q = j + 1;
    while (q < m && matchedAt[q] === -1) q++;
    const gapStart = p >= 0 ? matchedAt[p]! + 1 : Math.max(from, (q < m ? matchedAt[q]! : to) - (q - p - 1));
    const gapEnd = q < m ? matchedAt[q]! : Math.min(to, gapStart + (q - p - 1));
    const fi = gapStart + (j - p - 1);
    const text = oldLines[j]!.text;
    if (fi < gapEnd) paired.add(fi);
    out.push(
      fi < gapEnd
        ? `  hunk line ${quote(text)} — file line ${fi + 1} is ${quote(texts[fi]!)}`
        : `  hunk line ${quote(text)} — no such line in the file (expected after line ${Math.max(gapEnd, 1)})`,
    );
  }
  // File lines inside the matched stretch that the hunk skipped.
  const hits = matchedAt.filter((x) => x !== -1);
  if (hits.length > 0) {
    for (let fi = hits[0]!; fi <= hits[hits.length - 1]!; fi++) {
      if (!paired.has(fi)) out.push(`  file line ${fi + 1} ${quote(texts[fi]!)} is left out of the hunk`);
    }
  }
  return out;
}

type Location = { kind: "found"; at: number; hunk: LexHunk } | { kind: "none" } | { kind: "refused"; rejection: Rejection };

/**
 * Where a hunk goes: the first tier (exact, trailing whitespace, all whitespace, blank lines
 * ignored) with a match decides; several matches are settled only by the header's line number
 * or an end-of-file anchor, else refused. The hunk returned may be rewritten to fit the file
 * line for line (blank-line tier).
 */
function locateHunk(h: LexHunk, name: string, path: string, texts: readonly string[], normed: readonly (readonly string[])[]): Location {
  const fileSq = normed[2]!;
  const oldLines = h.lines.filter((l) => l.op !== "+");
  if (oldLines.length === 0) {
    if (texts.length === 0) return { kind: "found", at: 0, hunk: h };
    return {
      kind: "refused",
      rejection: reject(
        "hunk_ambiguous",
        `${name} only adds lines and quotes no existing line, so there is no way to tell where they go. Include 2-3 unchanged lines from ${path} before and after the added lines (prefixed with a space).`,
      ),
    };
  }
  const ambiguous = (count: number, starts: number[]): Location => ({
    kind: "refused",
    rejection: reject(
      "hunk_ambiguous",
      `${name}: the ${oldLines.length} unchanged/removed line(s) it quotes appear ${count} times in ${path} (starting at lines ${starts
        .slice(0, 6)
        .map((i) => i + 1)
        .join(", ")}${count > 6 ? ", …" : ""}), so it is not clear which one to change. Add more unchanged lines around the change — enough that they occur only once — and give the right line number in the @@ header.`,
    ),
  });
  for (let t = 0; t < TIERS.length; t++) {
    const old = oldLines.map((l) => TIERS[t]!.norm(l.text));
    if (t > 0 && old.every((s) => s === "")) break; // blank-only hunks match anywhere once whitespace is ignored
    const found = findAll(normed[t]!, old);
    if (found.length === 1) return { kind: "found", at: found[0]!, hunk: h };
    if (found.length > 1) {
      const byHeader = h.oldStart !== null ? found.filter((i) => i + 1 === h.oldStart) : [];
      if (byHeader.length === 1) return { kind: "found", at: byHeader[0]!, hunk: h };
      const byEnd = anchoredAtFileEnd(h, found, oldLines.length, texts.length);
      if (byEnd !== null) return { kind: "found", at: byEnd, hunk: h };
      return ambiguous(found.length, found);
    }
  }
  // Last tier: blank lines ignored (the model left out, or added, a blank context line).
  if (!oldLines.some((l) => l.text.trim() !== "")) return { kind: "none" };
  const found = matchIgnoringBlanks(h, texts, fileSq);
  const pick = found.length === 1 ? found : found.filter((c) => h.oldStart !== null && c.at + 1 === h.oldStart);
  if (pick.length === 1) {
    const c = pick[0]!;
    if (c.unclearBlank !== null) {
      return {
        kind: "refused",
        rejection: reject(
          "hunk_ambiguous",
          `${name} leaves out the blank line at line ${c.unclearBlank + 1} of ${path}, right where it adds lines, so it is not clear whether they go above or below it. Include that blank line in the hunk as a context line (a line with a single space).`,
        ),
      };
    }
    return { kind: "found", at: c.at, hunk: c.hunk };
  }
  if (found.length > 1) return ambiguous(found.length, found.map((c) => c.at));
  return { kind: "none" };
}

function sameHunk(a: LexHunk, b: LexHunk): boolean {
  return a.lines.length === b.lines.length && a.lines.every((l, i) => l.op === b.lines[i]!.op && l.text === b.lines[i]!.text);
}

export function applyTolerant(path: string, before: string | null, hunksIn: readonly LexHunk[], kind: FileKind): TolerantResult {
  // A model repeating the same hunk means it once.
  const hunks = hunksIn.filter((h, i) => !hunksIn.slice(0, i).some((g) => sameHunk(g, h)));

  if (kind === "create") {
    if (before !== null && before.trim() !== "") {
      return reject(
        "hunk_not_found",
        `${path} already exists, but the diff creates it from /dev/null. Send a diff against its current content (--- a/${path} / +++ b/${path}).`,
      );
    }
    const bad = hunks.flatMap((h) => h.lines).find((l) => l.op === "-");
    if (bad) return reject("parse_error", `${path} is new, so its diff cannot remove lines, but it removes ${quote(bad.text)}. Every line of a new file starts with "+".`);
    const content = hunks.flatMap((h) => h.lines).map((l) => l.text);
    const noNl = hunks[hunks.length - 1]?.noNewlineNew ?? false;
    const eol = before !== null && before.includes("\r\n") ? "\r\n" : "\n";
    return { ok: true, after: content.length === 0 ? "" : content.join(eol) + (noNl ? "" : eol) };
  }

  if (before === null) {
    return reject(
      "hunk_not_found",
      `${path} does not exist yet, so there are no lines to match. To create it use --- /dev/null and +++ b/${path} with every line starting with "+".`,
    );
  }
  const file = splitFile(before);
  const texts = file.lines.map((l) => l.text);

  if (kind === "delete") {
    const removed = hunks.flatMap((h) => h.lines).filter((l) => l.op !== "+").map((l) => squash(l.text));
    const fileSq = texts.map(squash);
    const same = removed.length === fileSq.length && removed.every((t, i) => t === fileSq[i]);
    if (!same) {
      return reject(
        "hunk_not_found",
        `The diff deletes ${path} (+++ /dev/null) but does not remove exactly its ${texts.length} lines (it removes ${removed.length}). To delete a file, remove every line; to change it, use +++ b/${path}.`,
      );
    }
    return { ok: true, after: null };
  }

  const normed = TIERS.map((t) => texts.map(t.norm));
  const fileSq = normed[2]!;
  const blocks: Block[] = [];
  let explicitFinal: boolean | null = null;
  let alreadyApplied = 0;
  const located: { k: number; h: LexHunk; at: number; shift: Shift | null }[] = [];

  for (let k = 0; k < hunks.length; k++) {
    let h = hunks[k]!;
    const name = hunkName(path, k, hunks.length, h);
    let at: number | null = null;

    const first = locateHunk(h, name, path, texts, normed);
    if (first.kind === "refused") return first.rejection;
    if (first.kind === "found") {
      at = first.at;
      h = first.hunk;
    } else if (h.beforeProse !== undefined) {
      // An unfenced diff followed by a "- did this" list: try the hunk without what came after
      // the blank line where its header's counts were met.
      const trimmed = locateHunk({ ...h, lines: h.beforeProse, beforeProse: undefined }, name, path, texts, normed);
      if (trimmed.kind === "found") {
        at = trimmed.at;
        h = trimmed.hunk;
      }
    }
    const oldLines = h.lines.filter((l) => l.op !== "+");

    if (at === null) {
      const ph = placeholderContext(h.lines);
      if (ph !== null) {
        return reject(
          "elision",
          `${name} contains ${quote(ph.trim())} as a line to match, but the file has no such line: a diff cannot abbreviate code. Quote the real lines of ${path} (prefixed with a space if unchanged, "-" if removed), and write every added line out in full.`,
        );
      }
      // Is it already there? (the new side matches and the old side does not)
      const newSide = h.lines.filter((l) => l.op !== "-").map((l) => squash(l.text));
      if (newSide.length > 0 && h.lines.some((l) => l.op !== " ") && findAll(fileSq, newSide).length === 1) {
        alreadyApplied++;
        continue;
      }
      const oldSq = oldLines.map((l) => squash(l.text));
      const { at: near, score } = bestPartial(fileSq, oldSq, h.oldStart);
      if (score === 0) {
        return reject(
          "hunk_not_found",
          `${name}: none of the ${oldLines.length} unchanged/removed line(s) it quotes exist in ${path} (first one: ${quote(oldLines[0]!.text)}). Copy those lines exactly from the current content of ${path}.`,
        );
      }
      const misses = describeMismatch(oldLines, oldSq, texts, fileSq, near);
      const total = misses.length;
      const whole = texts.length <= WHOLE_FILE_MAX_LINES ? `, or send the whole file (it has ${texts.length} lines)` : "";
      return reject(
        "hunk_not_found",
        `${name}: its unchanged/removed lines do not match ${path}. Closest place: around line ${Math.max(1, near + 1)}, it differs from the file in ${total} place(s):\n${misses.slice(0, MAX_SHOWN).join("\n")}${total > MAX_SHOWN ? `\n  … and ${total - MAX_SHOWN} more` : ""}\nCopy the " " and "-" lines exactly from the current ${path}${whole}.`,
      );
    }

    located.push({ k, h, at, shift: hunkShift(oldLines, texts.slice(at, at + oldLines.length)) });
    if (at + oldLines.length === texts.length && (h.noNewlineOld || h.noNewlineNew)) explicitFinal = !h.noNewlineNew;
  }

  // Added lines are re-indented only when the model visibly shifted the code it copied: some hunk's
  // removed lines carry the shift, all such hunks agree, and the hunk itself shows the same shift.
  const confirmed = located.map((l) => l.shift).filter((x): x is Shift => x !== null && x.byRemoved);
  const agreed = confirmed.length > 0 && confirmed.every((x) => x.file === confirmed[0]!.file && x.diff === confirmed[0]!.diff) ? confirmed[0]! : null;

  for (const { k, h, at, shift } of located) {
    const use = agreed !== null && shift !== null && shift.file === agreed.file && shift.diff === agreed.diff ? agreed : null;
    // For a de-indenting shift, a line at column 0 in the diff may have been clamped there or may
    // belong there; an added line at column 0 follows the nearest old line (before it, else after).
    const shifted: (boolean | null)[] = [];
    {
      let c = at;
      for (const line of h.lines) {
        if (line.op === "+") shifted.push(null);
        else {
          const f = texts[c++]!;
          shifted.push(line.text.trim() === "" ? null : indentOf(line.text) !== indentOf(f));
        }
      }
    }
    const nearShifted = (i: number): boolean => {
      for (let j = i - 1; j >= 0; j--) if (shifted[j] !== null) return shifted[j]!;
      for (let j = i + 1; j < shifted.length; j++) if (shifted[j] !== null) return shifted[j]!;
      return true;
    };
    // Walk the hunk over the matched lines, collecting change blocks.
    let cursor = at;
    let block: Block | null = null;
    const flush = () => {
      if (block && (block.end > block.start || block.added.length > 0)) blocks.push(block);
      block = null;
    };
    for (let i = 0; i < h.lines.length; i++) {
      const line = h.lines[i]!;
      if (line.op === " ") {
        flush();
        cursor++;
      } else if (line.op === "-") {
        block ??= { hunk: k, start: cursor, end: cursor, added: [] };
        cursor++;
        block.end = cursor;
      } else {
        block ??= { hunk: k, start: cursor, end: cursor, added: [] };
        const clampedAmbiguity = use !== null && use.diff === "" && indentOf(line.text) === "" && !nearShifted(i);
        block.added.push(clampedAmbiguity ? line.text : shiftLine(use, line.text));
      }
    }
    flush();
  }

  if (blocks.length === 0 && alreadyApplied > 0) return { ok: true, after: before };
  if (alreadyApplied > 0) {
    return reject(
      "hunk_not_found",
      `${path}: ${alreadyApplied} of the ${hunks.length} hunks seem to be applied already (the file has their new lines, not their old ones), the others are not. Send a diff against the current content of ${path}.`,
    );
  }

  blocks.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < blocks.length; i++) {
    const p = blocks[i - 1]!;
    const b = blocks[i]!;
    const overlap = b.start < p.end || (b.start === p.start && p.hunk !== b.hunk);
    if (overlap && p.hunk !== b.hunk) {
      return reject(
        "hunk_ambiguous",
        `${path}: hunks ${p.hunk + 1} and ${b.hunk + 1} both change line ${b.start + 1}. Merge them into one hunk, or send each change once.`,
      );
    }
  }

  const out: Line[] = [];
  let i = 0;
  for (const b of blocks) {
    for (; i < b.start; i++) out.push(file.lines[i]!);
    for (const text of b.added) out.push({ text, eol: file.eol });
    i = b.end;
  }
  for (; i < file.lines.length; i++) out.push(file.lines[i]!);
  const finalNewline = explicitFinal ?? file.finalNewline;
  return { ok: true, after: joinFile(out, file.eol, finalNewline) };
}
