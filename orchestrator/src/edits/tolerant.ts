// The tolerant applier: pure and in memory. Each hunk is located in the ORIGINAL file by the
// lines it expects to find there (locate.ts), and applied only where it matches in exactly one
// place (or, among several equal matches, exactly at the line its header names, or at the one
// the order of the file's hunks leaves it); otherwise the edit is refused with a detail that
// tells the model what to fix (mismatch.ts). Header line
// numbers and counts are otherwise ignored, hunks may come in any order, and untouched lines
// keep their own bytes (line endings, trailing whitespace, missing final newline).
import { reject, type Rejection, type Step } from "./contract.ts";
import { hunkBlocks, overlapRefusal, sortBlocks, spliceBlocks } from "./blocks.ts";
import type { FileKind } from "./diff-files.ts";
import type { LexHunk } from "./lex.ts";
import { locateHunk, placeCandidate, viewFile, type FileView, type Location, type Placed } from "./locate.ts";
import { mismatchRefusal, placeholderRefusal } from "./mismatch.ts";
import { placeByOrder } from "./order.ts";
import { reindentHunks } from "./reindent.ts";
import { findRuns, quote, splitFile, squash } from "./text.ts";

type TolerantResult = { ok: true; after: string | null } | Rejection;

export function applyTolerant(path: string, before: string | null, hunksIn: readonly LexHunk[], kind: FileKind): TolerantResult {
  // A model repeating the same hunk means it once (for an existing file, see placeHunks).
  const hunks = hunksIn.filter((h, i) => !hunksIn.slice(0, i).some((g) => sameHunk(g, h)));
  if (kind === "create") return createFile(path, before, hunks);
  if (before === null) {
    return reject(
      "hunk_not_found",
      `${path} does not exist yet, so there are no lines to match. To create it use --- /dev/null and +++ b/${path} with every line starting with "+".`,
    );
  }
  if (kind === "delete") return deleteFile(path, before, hunks);
  return modifyFile(path, before, hunksIn);
}

function sameHunk(a: LexHunk, b: LexHunk): boolean {
  return a.lines.length === b.lines.length && a.lines.every((l, i) => l.op === b.lines[i]!.op && l.text === b.lines[i]!.text);
}

/**
 * Whether hunk k repeats an earlier one: the same lines, meant once. Not when they go to
 * different places (their headers chose different matches), or when their lines match in
 * several places and nothing chose yet: a diff that makes one change at two places that look
 * alike has two equal hunks, and order places each.
 */
function isRepeat(hunks: readonly LexHunk[], located: readonly Location[], k: number): boolean {
  const here = located[k]!;
  return hunks.slice(0, k).some((g, j) => {
    if (!sameHunk(g, hunks[k]!)) return false;
    const there = located[j]!;
    if (here.kind === "ambiguous" && there.kind === "ambiguous") return false;
    return !(here.kind === "found" && there.kind === "found" && here.at !== there.at);
  });
}

function createFile(path: string, before: string | null, hunks: readonly LexHunk[]): TolerantResult {
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

function deleteFile(path: string, before: string, hunks: readonly LexHunk[]): TolerantResult {
  const texts = splitFile(before).lines.map((l) => l.text);
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

function modifyFile(path: string, before: string, hunks: readonly LexHunk[]): TolerantResult {
  const file = splitFile(before);
  const view = viewFile(file.lines.map((l) => l.text));
  const found = placeHunks(path, hunks, view);
  if (!found.ok) return found;
  const { placed, alreadyApplied } = found.value;
  const reindented = reindentHunks(placed, view.texts);
  const blocks = sortBlocks(reindented.flatMap((h, i) => hunkBlocks(h, placed[i]!.k, placed[i]!.at)));
  if (blocks.length === 0 && alreadyApplied > 0) return { ok: true, after: before };
  if (alreadyApplied > 0) {
    return reject(
      "hunk_not_found",
      `${path}: ${alreadyApplied} of the ${hunks.length} hunks seem to be applied already (the file has their new lines, not their old ones), the others are not. Send a diff against the current content of ${path}.`,
    );
  }
  const overlap = overlapRefusal(path, blocks);
  if (overlap) return overlap;
  const finalNewline = explicitFinalNewline(placed, view.texts.length) ?? file.finalNewline;
  return { ok: true, after: spliceBlocks(file, blocks, finalNewline) };
}

function hunkName(path: string, k: number, total: number, h: LexHunk): string {
  const where = h.oldStart !== null ? ` (header says line ${h.oldStart})` : "";
  return total > 1 ? `${path}, hunk ${k + 1} of ${total}${where}` : `${path}, the hunk${where}`;
}

/**
 * Every hunk placed, or the refusal for the first that is not; hunks already applied are counted,
 * not placed. A hunk that matches in several places goes where the order of the file's hunks
 * leaves it only one (order.ts).
 */
function placeHunks(path: string, hunks: readonly LexHunk[], file: FileView): Step<{ placed: Placed[]; alreadyApplied: number }> {
  const names = hunks.map((h, k) => hunkName(path, k, hunks.length, h));
  const own = hunks.map((h, k) => locateHunk(h, names[k]!, path, file));
  const kept = hunks.flatMap((_, k) => (isRepeat(hunks, own, k) ? [] : [k]));
  const settled = settleByOrder(kept.map((k) => own[k]!));
  const located = new Map(kept.map((k, i) => [k, settled[i]!]));
  const placed: Placed[] = [];
  let alreadyApplied = 0;
  for (const k of kept) {
    const h = hunks[k]!;
    const name = names[k]!;
    const location = located.get(k)!;
    if (location.kind === "refused" || location.kind === "ambiguous") return location.rejection;
    if (location.kind === "found") {
      placed.push({ k, hunk: location.hunk, at: location.at });
      continue;
    }
    const abbreviated = placeholderRefusal(name, path, h);
    if (abbreviated) return abbreviated;
    if (isApplied(h, file)) {
      alreadyApplied++;
      continue;
    }
    return mismatchRefusal(name, path, h, file);
  }
  return { ok: true, value: { placed, alreadyApplied } };
}

/** The locations with each ambiguous one that the order of the hunks settles, settled. */
function settleByOrder(located: readonly Location[]): Location[] {
  if (!located.some((l) => l.kind === "ambiguous")) return [...located];
  const starts = placeByOrder(located.map((l) => (l.kind === "found" ? [l.at] : l.kind === "ambiguous" ? l.candidates.map((c) => c.at) : null)));
  return located.map((l, k) => {
    const at = starts[k];
    if (l.kind !== "ambiguous" || at === null || at === undefined) return l;
    return placeCandidate(l.candidates.find((c) => c.at === at)!);
  });
}

/** The hunk's new side is in the file, once, and its old side is not: it is there already. */
function isApplied(h: LexHunk, file: FileView): boolean {
  const newSide = h.lines.filter((l) => l.op !== "-").map((l) => squash(l.text));
  return newSide.length > 0 && h.lines.some((l) => l.op !== " ") && findRuns(file.squashed, newSide).length === 1;
}

/** A `\ No newline` marker on a hunk that reaches the end of the file decides the final newline (the last such hunk wins). */
function explicitFinalNewline(placed: readonly Placed[], fileLen: number): boolean | null {
  let explicit: boolean | null = null;
  for (const { hunk: h, at } of placed) {
    const oldLen = h.lines.filter((l) => l.op !== "+").length;
    if (at + oldLen === fileLen && (h.noNewlineOld || h.noNewlineNew)) explicit = !h.noNewlineNew;
  }
  return explicit;
}
