// Checks on the file plans of a diff before anything is applied: its size, placeholders standing
// in for code it deletes, and hunks that quote nothing to say where they go.
import { reject, type Rejection } from "./contract.ts";
import type { FilePlan } from "./diff-files.ts";
import { findElision } from "./elision.ts";
import { unanchoredRefusal } from "./refusals.ts";
import { countLines, quote } from "./text.ts";

/** Added + removed lines, as the model wrote them. */
export function diffSize(plans: readonly FilePlan[]): number {
  let n = 0;
  for (const p of plans) for (const h of p.hunks) for (const l of h.lines) if (l.op !== " ") n++;
  return n;
}

export function tooLargeRefusal(size: number, maxLines: number): Rejection | null {
  if (size <= maxLines) return null;
  return reject(
    "too_large",
    `The diff adds/removes ${size} lines; the limit is ${maxLines}. Make the smallest change that does the task: change only the lines that need it and do not reformat or move code.`,
  );
}

export function elisionRefusal(plans: readonly FilePlan[]): Rejection | null {
  for (const p of plans) {
    for (let k = 0; k < p.hunks.length; k++) {
      const e = findElision(p.hunks[k]!.lines);
      if (!e) continue;
      const name = p.hunks.length > 1 ? `${p.path}, hunk ${k + 1}` : `${p.path}`;
      return reject(
        "elision",
        `${name} removes ${e.removed.length} line(s) of real code (first: ${quote(e.removed[0]!.trim())}) and puts the placeholder ${quote(e.placeholder.trim())} in their place — applied as written, that code would be deleted. Never abbreviate: write every line of code you change out in full, and leave the lines you do not change out of the hunk (or keep them as " " context lines).`,
      );
    }
  }
  return null;
}

/** A hunk that only adds lines to an existing, non-empty file (see unanchoredRefusal). */
export function unanchoredHunkRefusal(plans: readonly FilePlan[]): Rejection | null {
  for (const p of plans) {
    if (p.kind !== "modify" || p.before === null || p.before === "") continue;
    const k = p.hunks.findIndex((h) => h.lines.every((l) => l.op === "+"));
    if (k === -1) continue;
    const name = p.hunks.length > 1 ? `${p.path}, hunk ${k + 1} of ${p.hunks.length}` : `${p.path}, the hunk`;
    if (p.hunks[k]!.oldStart === 0) {
      return reject(
        "hunk_ambiguous",
        `${name} is written as if ${p.path} were new or empty (@@ -0,0 …), but it exists with ${countLines(p.before)} lines. Send a diff against its current content, with 2-3 unchanged lines around each change.`,
      );
    }
    return unanchoredRefusal(name, p.path);
  }
  return null;
}
