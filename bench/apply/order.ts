// Ground truth for where hunks go when their headers no longer say (bare @@, wrong numbers):
// each hunk can go where its old side (context + removed lines, as the clean diff has them)
// occurs in the file, and the hunks of one file come in order, each starting after the one
// before it starts. The reply places the edit when that leaves each hunk exactly one place;
// otherwise the only right answer is a refusal. Written here from that definition, without
// looking at the applier's code.
import type { DFile, DHunk } from "./diff-data.ts";
import { toLines } from "./edits.ts";

/** The hunk's old side: what it expects to find in the file. */
export const oldSide = (h: DHunk): string[] => h.lines.filter((l) => l[0] === " " || l[0] === "-").map((l) => l.slice(1));

/** Every start at which `run` occurs in `file`, line for line. */
export function occurrences(file: readonly string[], run: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + run.length <= file.length; i++) if (run.every((t, j) => file[i + j] === t)) out.push(i);
  return out;
}

/**
 * Per hunk, the starts it takes in at least one placement of all the hunks in order (strictly
 * increasing starts), each hunk at one of its candidates. Empty sets: no such placement exists.
 */
export function inOrderPlaces(candidates: readonly (readonly number[])[]): Set<number>[] {
  const n = candidates.length;
  // reachable[i]: starts of hunk i that some in-order choice for hunks 0..i-1 allows
  const reachable: Set<number>[] = [];
  for (let i = 0; i < n; i++) {
    const prev = reachable[i - 1];
    reachable.push(new Set(candidates[i]!.filter((c) => i === 0 || [...prev!].some((p) => p < c))));
  }
  // completes[i]: starts of hunk i that some in-order choice for hunks i+1..n-1 can follow
  const completes: Set<number>[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const next = completes[i + 1];
    completes[i] = new Set(candidates[i]!.filter((c) => i === n - 1 || [...next!].some((x) => x > c)));
  }
  return candidates.map((_, i) => new Set([...reachable[i]!].filter((c) => completes[i]!.has(c))));
}

/**
 * Where a hunk can go. `diff` writes context below a change unless the change ends the file, and
 * above it unless it starts the file; so a hunk with context above and none below, that occurs
 * at the end of the file, goes there (and one with context only below, at the start).
 */
export function hunkPlaces(h: DHunk, file: readonly string[]): number[] {
  const old = oldSide(h);
  const all = occurrences(file, old);
  const ops = h.lines.filter((l) => l[0] !== "\\").map((l) => l[0]);
  const lead = ops.findIndex((op) => op !== " ");
  const tail = [...ops].reverse().findIndex((op) => op !== " ");
  if (lead === -1) return all;
  const anchored = lead > 0 && tail === 0 ? all.filter((i) => i + old.length === file.length) : lead === 0 && tail > 0 ? all.filter((i) => i === 0) : [];
  return anchored.length === 1 ? anchored : all;
}

/** Whether the hunks' old sides and their order leave each hunk of the file exactly one place (hunks that quote no line are anchored elsewhere, or refused). */
export function placementDetermined(diff: DFile, before: string): boolean {
  const file = toLines(before);
  const hunks = diff.hunks.filter((h) => oldSide(h).length > 0);
  if (hunks.length === 0) return true;
  return inOrderPlaces(hunks.map((h) => hunkPlaces(h, file))).every((s) => s.size === 1);
}

/** Whether some hunk's old side occurs more than once in the file (so its place needs more than its lines). */
export function someHunkRepeats(diff: DFile, before: string): boolean {
  const file = toLines(before);
  return diff.hunks.some((h) => oldSide(h).length > 0 && occurrences(file, oldSide(h)).length > 1);
}
