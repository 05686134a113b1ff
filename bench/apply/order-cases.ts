// Replies whose hunk headers say nothing (bare @@) and one of whose hunks quotes too little
// context to be unique in the file: either the order of the file's hunks still settles where it
// goes ("order-decides": the edit must be applied), or it does not ("order-undecided": it must
// be refused). Built from a clean diff by trimming one hunk's context.
import type { CaseBuilder } from "./cases.ts";
import { clone, makeDiff, render, type DFile, type DHunk } from "./diff-data.ts";
import { applyEdits, toLines } from "./edits.ts";
import { occurrences, oldSide, placementDetermined } from "./order.ts";
import type { Rng } from "./rng.ts";

export const ORDER_KINDS = ["order-decides", "order-undecided"] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** The hunk with only `keepLead` of its leading and `keepTail` of its trailing context lines. */
function trimContext(h: DHunk, keepLead: number, keepTail: number): DHunk {
  let lead = 0;
  while (h.lines[lead]?.[0] === " ") lead++;
  let tail = 0;
  while (tail < h.lines.length - lead && h.lines[h.lines.length - 1 - tail]?.[0] === " ") tail++;
  const dropLead = Math.max(0, lead - keepLead);
  const dropTail = Math.max(0, tail - keepTail);
  return { ...h, lines: h.lines.slice(dropLead, h.lines.length - dropTail) };
}

/**
 * Trims to try, least context kept first. At least one context line stays on each side that had
 * some, as `diff` writes it: a hunk with no context below says it ends the file.
 */
function trims(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let total = 2; total <= 6; total++) for (let lead = Math.min(3, total - 1); lead >= 1 && total - lead <= 3; lead--) out.push([lead, total - lead]);
  return out;
}

/**
 * The diff of before → after with one hunk's context trimmed so that its old side occurs more
 * than once in `before`, such that the hunks' order does (or does not) settle its place; null
 * when no trim of any hunk does that.
 */
export function orderDiff(path: string, before: string, after: string, kind: OrderKind, rng: Rng): DFile | null {
  const diff = makeDiff(path, before, after);
  if (kind === "order-decides" && diff.hunks.length < 2) return null;
  // The other hunks keep their full context; the trimmed hunk is the only one that may repeat.
  if (!placementDetermined(diff, before)) return null;
  const file = toLines(before);
  for (const k of rng.shuffle(diff.hunks.map((_, i) => i))) {
    for (const [lead, tail] of trims()) {
      const h = trimContext(diff.hunks[k]!, lead, tail);
      const old = oldSide(h);
      if (old.length === 0 || occurrences(file, old).length < 2) continue;
      const d = clone([diff])[0]!;
      d.hunks[k] = h;
      if (placementDetermined(d, before) === (kind === "order-decides")) return d;
    }
  }
  return null;
}

/** The reply for an order case: the trimmed diff with bare headers. */
export function orderReply(d: DFile, rng: Rng): string {
  const form = rng.pick(["@@ @@", "@@"]);
  return render([d], { header: () => form });
}

const ORDER_PER_KIND = 12;

/** The synthetic corpus's order cases: two edits to one file (so, often, two hunks), one hunk trimmed. */
export function addOrderCases({ rng, medium, editNames, push }: CaseBuilder): void {
  for (const kind of ORDER_KINDS) {
    let made = 0;
    for (let guard = 0; made < ORDER_PER_KIND && guard < 400; guard++) {
      const src = rng.pick(medium);
      const edits = [rng.pick(editNames), rng.pick(editNames)];
      const after = applyEdits(src.content, edits, rng);
      if (after === null) continue;
      const d = orderDiff(src.path, src.content, after, kind, rng);
      if (d === null) continue;
      const refuse = kind === "order-undecided";
      push({
        edit: edits.join("+") + (refuse ? " (context occurs twice)" : ""),
        kind,
        filesOwned: [src.path],
        before: { [src.path]: src.content },
        reply: orderReply(d, rng),
        expected: refuse ? null : { [src.path]: after },
      });
      made++;
    }
  }
}
