// What a retry must show of a file that is shown in part: the lines the previous edit changed, the
// lines its errors point at, and the lines it tried to change without having seen them. The
// attempt was undone, so lines are given in the file as it was before the task.
import { structuredPatch } from "diff";
import type { LineRange } from "../core/types.ts";
import type { FileChange } from "../edits/contract.ts";
import type { Diagnostic } from "../verify/diagnostics/diagnostic.ts";

export type Focus = Map<string, LineRange[]>;

interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

/** The lines of each original file an attempt's edit changed and its errors point at. */
export function retryFocus(changes: readonly FileChange[], diagnostics: readonly Diagnostic[]): Focus {
  const focus: Focus = new Map();
  const add = (file: string, r: LineRange) => focus.set(file, [...(focus.get(file) ?? []), r]);
  const hunksOf = new Map<string, Hunk[]>();
  for (const c of changes) {
    if (c.before === null || c.after === null) continue;
    const hunks = structuredPatch("a", "b", c.before, c.after, undefined, undefined, { context: 0 }).hunks;
    hunksOf.set(c.path, hunks);
    for (const h of hunks) add(c.path, oldSide(h));
  }
  for (const d of diagnostics) {
    if (d.file === null || d.line === null) continue;
    const edited = changes.find((c) => c.path === d.file);
    if (edited && edited.before === null) continue; // a file the task created has no original lines
    add(d.file, toOriginal(d.line, hunksOf.get(d.file) ?? []));
  }
  return focus;
}

/** The lines an edit tried to change unseen (a not_shown refusal), to be shown next time. */
export function unseenFocus(unseen: ReadonlyArray<{ path: string; lines: LineRange[] }> | undefined): Focus | undefined {
  return unseen ? new Map(unseen.map((u) => [u.path, u.lines])) : undefined;
}

/** The old lines a hunk replaced; for a pure insertion (before line oldStart), the two lines around it. */
function oldSide(h: Hunk): LineRange {
  return h.oldLines > 0 ? { start: h.oldStart, end: h.oldStart + h.oldLines - 1 } : { start: Math.max(1, h.oldStart - 1), end: h.oldStart };
}

/** A line of the attempted file as a line of the original: inside an edit, the lines that edit replaced. */
function toOriginal(line: number, hunks: readonly Hunk[]): LineRange {
  let delta = 0;
  for (const h of hunks) {
    if (line < h.newStart) break;
    if (h.newLines > 0 && line < h.newStart + h.newLines) return oldSide(h);
    delta += h.newLines - h.oldLines;
  }
  return { start: line - delta, end: line - delta };
}

/** Both foci, file by file (either may be missing). */
export function mergeFocus(a: ReadonlyMap<string, readonly LineRange[]> | undefined, b: ReadonlyMap<string, readonly LineRange[]> | undefined): Focus | undefined {
  if (!a && !b) return undefined;
  const out: Focus = new Map();
  for (const m of [a, b]) for (const [file, ranges] of m ?? []) out.set(file, [...(out.get(file) ?? []), ...ranges]);
  return out;
}
