// Finding where a hunk goes. A hunk is located in the ORIGINAL file by the lines it expects to
// find there (context + removed), first exactly, then ignoring trailing whitespace, then ignoring
// all whitespace differences, then ignoring blank lines; the first of these tiers with a match
// decides. A hunk goes only where it matches in exactly one place, or, among several equal
// matches, at the one its header's line number or an end-of-file anchor names; otherwise it is
// ambiguous, and the caller may still settle it by the order of the file's hunks (order.ts). It
// is ambiguous too when it matches elsewhere and, only more loosely, at its header's line.
// Header line numbers are otherwise ignored.
import { reject, type Rejection } from "./contract.ts";
import type { HunkLine, LexHunk } from "./lex.ts";
import { matchIgnoringBlanks } from "./blank-lines.ts";
import { unanchoredRefusal } from "./refusals.ts";
import { findRuns, squash } from "./text.ts";

type Tier = { name: string; norm: (s: string) => string };
const TIERS: Tier[] = [
  { name: "exact", norm: (s) => s },
  { name: "trailing whitespace ignored", norm: (s) => s.trimEnd() },
  { name: "whitespace ignored", norm: squash },
];

/** The lines of the file a hunk is located in, as they are and in each tier's normal form. */
export interface FileView {
  texts: readonly string[];
  tiers: readonly (readonly string[])[];
  /** All whitespace differences ignored (the last tier). */
  squashed: readonly string[];
}

export function viewFile(texts: readonly string[]): FileView {
  const tiers = TIERS.map((t) => texts.map(t.norm));
  return { texts, tiers, squashed: tiers[2]! };
}

/** A hunk where it goes: the hunk may be rewritten to fit the file line for line (blank-line tier). */
export interface Placed {
  /** Index of the hunk among the file's hunks. */
  k: number;
  hunk: LexHunk;
  at: number;
}

/** One of several equal matches; `refusal` when placing the hunk there would still be refused. */
export interface Candidate {
  at: number;
  hunk: LexHunk;
  refusal?: Rejection;
}

export type Location =
  | { kind: "found"; at: number; hunk: LexHunk }
  | { kind: "none" }
  | { kind: "refused"; rejection: Rejection }
  /** Several equal matches; `rejection` is the refusal if nothing else settles which. */
  | { kind: "ambiguous"; candidates: Candidate[]; rejection: Rejection };

/** Where a hunk goes; `name` names it in a refusal. */
export function locateHunk(h: LexHunk, name: string, path: string, file: FileView): Location {
  const first = locateLines(h, name, path, file);
  if (first.kind !== "none" || h.beforeProse === undefined) return first;
  // An unfenced diff followed by a "- did this" list: try the hunk without what came after
  // the blank line where its header's counts were met.
  const trimmed = locateLines({ ...h, lines: h.beforeProse, beforeProse: undefined }, name, path, file);
  return trimmed.kind === "found" ? trimmed : first;
}

function locateLines(h: LexHunk, name: string, path: string, file: FileView): Location {
  const oldLines = h.lines.filter((l) => l.op !== "+");
  if (oldLines.length === 0) {
    if (file.texts.length === 0) return { kind: "found", at: 0, hunk: h };
    return { kind: "refused", rejection: unanchoredRefusal(name, path) };
  }
  for (let t = 0; t < TIERS.length; t++) {
    const old = oldLines.map((l) => TIERS[t]!.norm(l.text));
    if (t > 0 && old.every((s) => s === "")) break; // blank-only hunks match anywhere once whitespace is ignored
    const found = findRuns(file.tiers[t]!, old);
    if (found.length === 0) continue;
    const at = found.length === 1 ? found[0]! : chooseMatch(h, found, oldLines.length, file.texts.length);
    const named = headerLookalike(h, oldLines, found, file);
    if (named !== null) return lookalike(name, path, [...found, named].sort((a, b) => a - b), named, h);
    if (at !== null) return { kind: "found", at, hunk: h };
    return ambiguous(name, path, oldLines.length, found.map((i) => ({ at: i, hunk: h })));
  }
  // Last tier: blank lines ignored (the model left out, or added, a blank context line).
  if (!oldLines.some((l) => l.text.trim() !== "")) return { kind: "none" };
  return locateIgnoringBlanks(h, name, path, file, oldLines.length);
}

/**
 * The line the header names, when the hunk goes elsewhere but also matches there once whitespace
 * is ignored: a model that copied the lines at its header's place with their indentation changed
 * can write, by chance, exactly the lines of another place. Two readings, so neither is taken.
 */
function headerLookalike(h: LexHunk, oldLines: readonly HunkLine[], found: readonly number[], file: FileView): number | null {
  if (h.oldStart === null) return null;
  const named = h.oldStart - 1;
  if (found.includes(named) || named < 0 || named + oldLines.length > file.texts.length) return null;
  return oldLines.every((l, j) => squash(l.text) === file.squashed[named + j]) ? named : null;
}

function lookalike(name: string, path: string, starts: readonly number[], named: number, h: LexHunk): Location {
  const others = starts.filter((i) => i !== named).map((i) => i + 1);
  return {
    kind: "ambiguous",
    candidates: starts.map((at) => ({ at, hunk: h })),
    rejection: reject(
      "hunk_ambiguous",
      `${name}: the lines it quotes are exactly the lines at ${others.length === 1 ? "line" : "lines"} ${others.join(", ")} of ${path}, but its header names line ${named + 1}, where they match only with different whitespace, so it is not clear which place to change. Copy the unchanged/removed lines exactly as ${path} has them at the place you mean, indentation included.`,
    ),
  };
}

/** Among several equal matches: the one at the header's line, else the one an end-of-file anchor names. */
function chooseMatch(h: LexHunk, found: readonly number[], oldLen: number, fileLen: number): number | null {
  const byHeader = h.oldStart !== null ? found.filter((i) => i + 1 === h.oldStart) : [];
  if (byHeader.length === 1) return byHeader[0]!;
  return anchoredAtFileEnd(h, found, oldLen, fileLen);
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

/** The blank-line tier: only the header's line settles several matches (no end-of-file anchor). */
function locateIgnoringBlanks(h: LexHunk, name: string, path: string, file: FileView, oldLen: number): Location {
  const found = matchIgnoringBlanks(h, file.texts, file.squashed).map((c): Candidate => {
    if (c.unclearBlank !== null) {
      const refusal = reject(
        "hunk_ambiguous",
        `${name} leaves out the blank line at line ${c.unclearBlank + 1} of ${path}, right where it adds lines, so it is not clear whether they go above or below it. Include that blank line in the hunk as a context line (a line with a single space).`,
      );
      return { at: c.at, hunk: c.hunk, refusal };
    }
    if (c.unclearRemoval !== null) {
      const refusal = reject(
        "hunk_ambiguous",
        `${name} leaves out the blank line at line ${c.unclearRemoval + 1} of ${path}, between lines it removes, so it is not clear whether that line goes too. Include it in the hunk: as a context line (a single space) to keep it, or with "-" to remove it.`,
      );
      return { at: c.at, hunk: c.hunk, refusal };
    }
    return { at: c.at, hunk: c.hunk };
  });
  const pick = found.length === 1 ? found : found.filter((c) => h.oldStart !== null && c.at + 1 === h.oldStart);
  if (pick.length === 1) return placeCandidate(pick[0]!);
  if (found.length > 1) return ambiguous(name, path, oldLen, found);
  return { kind: "none" };
}

/** The location of a chosen candidate: placed there, or its refusal. */
export function placeCandidate(c: Candidate): Location {
  return c.refusal ? { kind: "refused", rejection: c.refusal } : { kind: "found", at: c.at, hunk: c.hunk };
}

function ambiguous(name: string, path: string, quoted: number, candidates: Candidate[]): Location {
  const starts = candidates.map((c) => c.at);
  const count = starts.length;
  return {
    kind: "ambiguous",
    candidates,
    rejection: reject(
      "hunk_ambiguous",
      `${name}: the ${quoted} unchanged/removed line(s) it quotes appear ${count} times in ${path} (starting at lines ${starts
        .slice(0, 6)
        .map((i) => i + 1)
        .join(", ")}${count > 6 ? ", …" : ""}), so it is not clear which one to change. Add more unchanged lines around the change — enough that they occur only once — and give the right line number in the @@ header.`,
    ),
  };
}
