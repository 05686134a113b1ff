// An edit may change only lines the model was shown. For a file it saw in part, every line it
// did not see must come through the edit unchanged and in order; lines may be added at the edge
// of an excerpt. The check runs on the planned changes, whichever applier made them, so no way
// of writing a hunk can slip past it.
import { structuredPatch } from "diff";
import type { LineRange } from "../core/types.ts";
import { reject, type FileChange, type Rejection } from "./contract.ts";
import { findRuns, splitFile } from "./text.ts";

export function unseenRefusal(changes: readonly FileChange[], shown: ReadonlyMap<string, readonly LineRange[]>): Rejection | null {
  const unseen: Array<{ path: string; lines: LineRange[] }> = [];
  for (const c of changes) {
    const ranges = shown.get(c.path);
    if (!ranges || c.before === null) continue;
    if (c.after === null) return deletedRefusal(c.path, ranges);
    const before = lineTexts(c.before);
    if (keepsUnseen(before, lineTexts(c.after), gaps(ranges, before.length))) continue;
    unseen.push({ path: c.path, lines: changedUnseen(c.before, c.after, ranges, before.length) });
  }
  if (unseen.length === 0) return null;
  const first = unseen[0]!;
  const refusal = reject(
    "not_shown",
    `Your edit changes ${describe(first.lines)} of ${first.path}, which you were not shown: ${sawOf(shown.get(first.path)!)}. ` +
      `Change only lines you were shown, copying the unchanged and removed lines of each hunk from them.`,
  );
  return { ...refusal, unseen };
}

/** Lines of a file with their terminators, so an unseen line must come back byte for byte. */
function lineTexts(content: string): string[] {
  return splitFile(content).lines.map((l) => l.text + l.eol);
}

/** The ranges not shown, in order. */
function gaps(ranges: readonly LineRange[], total: number): LineRange[] {
  const out: LineRange[] = [];
  let next = 1;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start > next) out.push({ start: next, end: r.start - 1 });
    next = Math.max(next, r.end + 1);
  }
  if (next <= total) out.push({ start: next, end: total });
  return out;
}

/** Every gap appears in `after`, whole and in order; one at the start or the end of the file stays there. */
function keepsUnseen(before: readonly string[], after: readonly string[], unseen: readonly LineRange[]): boolean {
  let from = 0;
  for (const g of unseen) {
    const run = before.slice(g.start - 1, g.end);
    let at: number;
    if (g.start === 1) at = startsWith(after, run) ? 0 : -1;
    else if (g.end === before.length) at = after.length - run.length >= from && startsWith(after.slice(after.length - run.length), run) ? after.length - run.length : -1;
    else at = findRuns(after.slice(from), run)[0] ?? -1;
    if (at < 0) return false;
    from = (g.start === 1 || g.end === before.length ? at : from + at) + run.length;
  }
  return true;
}

function startsWith(lines: readonly string[], run: readonly string[]): boolean {
  return run.length <= lines.length && run.every((l, i) => lines[i] === l);
}

/** The unseen lines the edit changed, for the message: from a line diff, else the whole gap. */
function changedUnseen(before: string, after: string, ranges: readonly LineRange[], total: number): LineRange[] {
  const inShown = (n: number) => ranges.some((r) => n >= r.start && n <= r.end);
  const out: LineRange[] = [];
  for (const h of structuredPatch("a", "b", before, after, undefined, undefined, { context: 0 }).hunks) {
    // A pure insertion goes before line oldStart; it touches the two lines it goes between.
    const [start, end] = h.oldLines === 0 ? [h.oldStart - 1, h.oldStart] : [h.oldStart, h.oldStart + h.oldLines - 1];
    const touched = [];
    for (let n = Math.max(1, start); n <= Math.min(total, end); n++) if (!inShown(n)) touched.push(n);
    if (h.oldLines === 0 && touched.length < end - Math.max(1, start) + 1) continue; // inserted at an excerpt's edge
    if (touched.length > 0) out.push({ start: touched[0]!, end: touched.at(-1)! });
  }
  return out.length > 0 ? out : gaps(ranges, total);
}

function deletedRefusal(path: string, ranges: readonly LineRange[]): Rejection {
  return reject("not_shown", `You were shown only parts of ${path} (${sawOf(ranges)}), so it cannot be deleted. Change only lines you were shown.`);
}

function sawOf(ranges: readonly LineRange[]): string {
  return ranges.length > 0 ? `you saw only ${describe(ranges)} of it` : "you saw none of its lines, only its outline";
}

function describe(ranges: readonly LineRange[]): string {
  const parts = ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`));
  const list = parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `${ranges.length === 1 && ranges[0]!.start === ranges[0]!.end ? "line" : "lines"} ${list}`;
}
