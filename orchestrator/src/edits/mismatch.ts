// The refusal when a hunk matches nowhere in the file. It points at the closest place and says,
// line by line, what the file has there instead, so the model can copy the right lines.
import { reject, type Rejection } from "./contract.ts";
import { placeholderContext } from "./elision.ts";
import type { HunkLine, LexHunk } from "./lex.ts";
import { WHOLE_FILE_MAX_LINES } from "./limits.ts";
import type { FileView } from "./locate.ts";
import { quote, squash } from "./text.ts";

const MAX_SHOWN = 4;

/** A hunk that quotes a placeholder as a line to match: the model abbreviated code it did not change. */
export function placeholderRefusal(name: string, path: string, h: LexHunk): Rejection | null {
  const ph = placeholderContext(h.lines);
  if (ph === null) return null;
  return reject(
    "elision",
    `${name} contains ${quote(ph.trim())} as a line to match, but the file has no such line: a diff cannot abbreviate code. Quote the real lines of ${path} (prefixed with a space if unchanged, "-" if removed), and write every added line out in full.`,
  );
}

export function mismatchRefusal(name: string, path: string, h: LexHunk, file: FileView): Rejection {
  const oldLines = h.lines.filter((l) => l.op !== "+");
  const oldSq = oldLines.map((l) => squash(l.text));
  const { at: near, score } = bestPartial(file.squashed, oldSq, h.oldStart);
  if (score === 0) {
    return reject(
      "hunk_not_found",
      `${name}: none of the ${oldLines.length} unchanged/removed line(s) it quotes exist in ${path} (first one: ${quote(oldLines[0]!.text)}). Copy those lines exactly from the current content of ${path}.`,
    );
  }
  const { texts } = file;
  const misses = describeMismatch(oldLines, oldSq, texts, file.squashed, near);
  const total = misses.length;
  const whole = texts.length <= WHOLE_FILE_MAX_LINES ? `, or send the whole file (it has ${texts.length} lines)` : "";
  return reject(
    "hunk_not_found",
    `${name}: its unchanged/removed lines do not match ${path}. Closest place: around line ${Math.max(1, near + 1)}, it differs from the file in ${total} place(s):\n${misses.slice(0, MAX_SHOWN).join("\n")}${total > MAX_SHOWN ? `\n  … and ${total - MAX_SHOWN} more` : ""}\nCopy the " " and "-" lines exactly from the current ${path}${whole}.`,
  );
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
  const matchedAt = alignToFile(oldSq, fileSq, from, to);
  const out: string[] = [];
  const paired = new Set<number>(matchedAt.filter((x) => x !== -1));
  const m = oldSq.length;
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
  return [...out, ...skippedLines(matchedAt, paired, texts)];
}

/** For each old line, the file line [from, to) it is aligned with (longest common subsequence), or -1. */
function alignToFile(oldSq: readonly string[], fileSq: readonly string[], from: number, to: number): number[] {
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
  return matchedAt;
}

/** File lines inside the matched stretch that the hunk skipped. */
function skippedLines(matchedAt: readonly number[], paired: ReadonlySet<number>, texts: readonly string[]): string[] {
  const hits = matchedAt.filter((x) => x !== -1);
  const out: string[] = [];
  if (hits.length === 0) return out;
  for (let fi = hits[0]!; fi <= hits[hits.length - 1]!; fi++) {
    if (!paired.has(fi)) out.push(`  file line ${fi + 1} ${quote(texts[fi]!)} is left out of the hunk`);
  }
  return out;
}
