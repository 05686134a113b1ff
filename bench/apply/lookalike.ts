// Ground truth for a reply whose headers are right but whose quoted lines were written with
// their whitespace changed: by chance they can be exactly the lines of another place in the file,
// while at the place the header names they match only once whitespace is ignored. Such a reply
// reads two ways, so it must be refused, unless the order of the file's hunks leaves one reading
// (order.ts). Written from that definition, without looking at the applier's code.
import type { DFile } from "./diff-data.ts";
import { toLines } from "./edits.ts";
import { inOrderPlaces } from "./order.ts";

/** Ways of comparing a line, strictest first: as is, trailing whitespace ignored, all whitespace ignored. */
const TIERS = [(s: string) => s, (s: string) => s.trimEnd(), (s: string) => s.replace(/\s+/g, " ").trim()];

/** A hunk's old side as a reader of the reply takes it: a line without a " ", "-" or "+" in front is context as it stands. */
function sentOldSide(lines: readonly string[]): string[] {
  return lines.flatMap((l) => (l[0] === "+" || l[0] === "\\" ? [] : l[0] === " " || l[0] === "-" ? [l.slice(1)] : [l]));
}

/** The strictest tier at which `old` matches `file` at `at`, or null. */
function tierAt(file: readonly string[], old: readonly string[], at: number): number | null {
  if (at < 0 || at + old.length > file.length) return null;
  const t = TIERS.findIndex((norm) => old.every((l, j) => norm(l) === norm(file[at + j]!)));
  return t === -1 ? null : t;
}

/** Whether the sent diff (headers as the clean diff has them) leaves some hunk two places that order does not settle. */
export function readsTwoWays(sent: DFile, before: string): boolean {
  const file = toLines(before);
  const candidates = sent.hunks.flatMap((h) => {
    const old = sentOldSide(h.lines);
    if (old.length === 0) return [];
    const named = h.oldStart - 1;
    const there = tierAt(file, old, named);
    if (there === null || there === 0) return [[named]];
    // The places that match at the strictest tier any place matches at, when that is stricter than the named place's.
    const tiers = file.map((_, i) => tierAt(file, old, i) ?? Infinity);
    const best = Math.min(...tiers);
    const elsewhere = best < there ? tiers.flatMap((t, i) => (t === best ? [i] : [])) : [];
    return [[named, ...elsewhere].sort((a, b) => a - b)];
  });
  return candidates.some((c) => c.length > 1) && inOrderPlaces(candidates).some((s) => s.size !== 1);
}
