// The last tier of locating a hunk: its lines matched with blank lines ignored on both sides,
// then rewritten to fit the file line for line, because a model often leaves out or adds a blank
// context line.
import type { HunkLine, LexHunk } from "./lex.ts";
import { findRuns, squash } from "./text.ts";

interface BlankTierMatch {
  at: number;
  hunk: LexHunk;
  /** A left-out blank line right after added lines: were they meant above or below it? */
  unclearBlank: number | null;
  /** A left-out blank line between two removed lines: is it removed too, or kept? */
  unclearRemoval: number | null;
}

/**
 * Every match of the hunk's non-blank old lines among the file's non-blank lines, each with the
 * hunk rewritten to fit: blank file lines the hunk left out become context, blank hunk lines the
 * file lacks are dropped. A left-out blank line next to added lines, or between two removed
 * lines, is noted: where the added lines go, or whether it goes too, the hunk does not say.
 */
export function matchIgnoringBlanks(h: LexHunk, texts: readonly string[], fileSq: readonly string[]): BlankTierMatch[] {
  const nb: number[] = [];
  fileSq.forEach((t, k) => {
    if (t !== "") nb.push(k);
  });
  const nbSq = nb.map((k) => fileSq[k]!);
  const oldNB = h.lines.filter((l) => l.op !== "+" && l.text.trim() !== "").map((l) => squash(l.text));
  return findRuns(nbSq, oldNB).map((q) => {
    const at = extendOverLeadingBlanks(h, nb[q]!, fileSq);
    const { lines, unclearBlank, unclearRemoval } = fitToFile(h, at, texts, fileSq);
    return { at, hunk: { ...h, lines }, unclearBlank, unclearRemoval };
  });
}

/** Leading blank old lines of the hunk take file blanks just above the first match, if any. */
function extendOverLeadingBlanks(h: LexHunk, start: number, fileSq: readonly string[]): number {
  const firstOld = h.lines.findIndex((l) => l.op !== "+" && l.text.trim() !== "");
  let leadingBlanks = h.lines.slice(0, firstOld).filter((l) => l.op !== "+").length;
  while (leadingBlanks > 0 && start > 0 && fileSq[start - 1] === "") {
    start--;
    leadingBlanks--;
  }
  return start;
}

/** The hunk's lines rewritten to follow the file from `start`, blank line for blank line. */
function fitToFile(
  h: LexHunk,
  start: number,
  texts: readonly string[],
  fileSq: readonly string[],
): { lines: HunkLine[]; unclearBlank: number | null; unclearRemoval: number | null } {
  const lines: HunkLine[] = [];
  let cursor = start;
  let prevOld: HunkLine | null = null;
  let unclearBlank: number | null = null;
  let unclearRemoval: number | null = null;
  for (const line of h.lines) {
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
      // Between two removed lines a left-out blank may be removed with them or kept: the hunk does not say.
      const between = prevOld?.op === "-" && line.op === "-";
      if (between) unclearRemoval ??= cursor;
      lines.push({ op: between ? "-" : " ", text: texts[cursor]! });
      cursor++;
    }
    lines.push(line);
    cursor++;
    prevOld = line;
  }
  return { lines, unclearBlank, unclearRemoval };
}
