// Re-indenting added lines. A model sometimes copies the code it changes with the indentation
// shifted (the whole hunk two spaces deeper, or de-indented to column 0). The hunk still locates
// (whitespace is ignored there), but its added lines would come out shifted too. They are moved
// back only when the model visibly shifted the code it copied: some hunk's removed lines carry
// the shift, all such hunks agree, and the hunk itself shows the same shift. Even then a model
// often writes the lines it adds at the file's own indentation, shifting only what it quoted; so
// the added lines move only when, moved, they agree with the file's lines around them better than
// as written (indent-fit.ts): the model's own indentation is kept unless the file says otherwise.
import { movedFitsBetter } from "./indent-fit.ts";
import type { HunkLine, LexHunk } from "./lex.ts";
import type { Placed } from "./locate.ts";
import { indentOf } from "./text.ts";

/** An indentation shift: the file has `file` where the diff has `diff`, in front of the same rest. */
interface Shift {
  file: string;
  diff: string;
  /** A removed line carries the shift (the model copied the file's code, shifted). */
  byRemoved: boolean;
}

/** Each placed hunk with its added lines in the file's indentation. */
export function reindentHunks(placed: readonly Placed[], texts: readonly string[]): LexHunk[] {
  const shifts = placed.map(({ hunk, at }) => {
    const oldLines = hunk.lines.filter((l) => l.op !== "+");
    return hunkShift(oldLines, texts.slice(at, at + oldLines.length));
  });
  const agreed = agreedShift(shifts);
  if (agreed === null) return placed.map((p) => p.hunk);
  const moved = placed.map(({ hunk, at }, i) => {
    const shift = shifts[i]!;
    return shift !== null && shift.file === agreed.file && shift.diff === agreed.diff ? shiftAdded(hunk, at, texts, agreed) : hunk;
  });
  const written = placed.map((p) => p.hunk);
  return movedFitsBetter(written, moved, placed.map((p) => p.at), texts) ? moved : written;
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

/** The shift that removed lines confirm, when every hunk that confirms one confirms the same. */
function agreedShift(shifts: readonly (Shift | null)[]): Shift | null {
  const confirmed = shifts.filter((x): x is Shift => x !== null && x.byRemoved);
  return confirmed.length > 0 && confirmed.every((x) => x.file === confirmed[0]!.file && x.diff === confirmed[0]!.diff) ? confirmed[0]! : null;
}

function shiftAdded(h: LexHunk, at: number, texts: readonly string[], use: Shift): LexHunk {
  // For a de-indenting shift, a line at column 0 in the diff may have been clamped there or may
  // belong there; an added line at column 0 follows the nearest old line (before it, else after).
  const shifted = oldLinesShifted(h, at, texts);
  const nearShifted = (i: number): boolean => {
    for (let j = i - 1; j >= 0; j--) if (shifted[j] !== null) return shifted[j]!;
    for (let j = i + 1; j < shifted.length; j++) if (shifted[j] !== null) return shifted[j]!;
    return true;
  };
  const lines = h.lines.map((line, i) => {
    if (line.op !== "+") return line;
    const clampedAmbiguity = use.diff === "" && indentOf(line.text) === "" && !nearShifted(i);
    return clampedAmbiguity ? line : { op: line.op, text: shiftLine(use, line.text) };
  });
  return { ...h, lines };
}

/** Per hunk line: whether an old line's indentation differs from the file's (null for added and blank lines). */
function oldLinesShifted(h: LexHunk, at: number, texts: readonly string[]): (boolean | null)[] {
  let c = at;
  return h.lines.map((line) => {
    if (line.op === "+") return null;
    const f = texts[c++]!;
    return line.text.trim() === "" ? null : indentOf(line.text) !== indentOf(f);
  });
}

function shiftLine(shift: Shift, s: string): string {
  if (s.trim() === "") return s;
  if (s.startsWith(shift.diff)) return shift.file + s.slice(shift.diff.length);
  return s;
}
