// Perturbations of a diff (the model's mistakes). Each returns the reply text, or null if it does
// not apply to this diff (e.g. no blank context line to strip).
import { clone, render, type DFile } from "./diff-data.ts";
import { indexesWhere } from "./edits.ts";
import type { Rng } from "./rng.ts";

/**
 * Set by a perturbation that destroyed the information needed to apply the edit exactly (so the
 * only right answer is a refusal). Read by the case builder.
 */
interface Notes {
  placementLost: boolean;
  /** The diffs as the reply sends them, when the perturbation changed the lines' whitespace. */
  sent?: DFile[];
}

type Perturb = (files: DFile[], rng: Rng, notes: Notes) => string | null;

const stripPrefix = (n: string) => (n === "/dev/null" ? n : n.replace(/^[ab]\//, ""));
const prefixed = (n: string, pre: string) => (n === "/dev/null" ? n : pre + stripPrefix(n));

interface Mapped {
  f2: DFile[];
  touched: boolean;
}

/** A copy of the diffs with fn applied to every hunk line, in order, and whether it changed any. */
function mapLines(files: readonly DFile[], fn: (line: string, index: number) => string): Mapped {
  const f2 = clone(files);
  let touched = false;
  for (const f of f2)
    for (const h of f.hunks)
      h.lines = h.lines.map((l, i) => {
        const t = fn(l, i);
        if (t !== l) touched = true;
        return t;
      });
  return { f2, touched };
}

/** mapLines on the text of the context lines that pass `pred`. */
const withContext = (files: readonly DFile[], fn: (text: string, rng: Rng) => string, rng: Rng, pred: (text: string) => boolean): Mapped =>
  mapLines(files, (l) => (l[0] !== " " || !pred(l.slice(1)) ? l : ` ${fn(l.slice(1), rng)}`));

/** The diffs rendered, or null when the perturbation found nothing to change. */
const renderIfTouched = ({ f2, touched }: Mapped, notes?: Notes) => {
  if (notes) notes.sent = f2;
  return touched ? render(f2) : null;
};

const PROSE_BEFORE = [
  "Here is the change:",
  "Sure! The following diff implements the requested change.",
  "I updated the file as requested.\n\nChanges:",
];
const PROSE_AFTER = [
  "This keeps the rest of the file unchanged.",
  "Let me know if you need anything else!",
  "The change is minimal and should type-check.",
];

const PERTURBATIONS: Record<string, Perturb> = {
  clean: (files) => render(files),
  "fenced-prose": (files, rng) => `${rng.pick(PROSE_BEFORE)}\n\n\`\`\`diff\n${render(files)}\`\`\`\n\n${rng.pick(PROSE_AFTER)}\n`,
  "unfenced-prose": (files, rng) => `${rng.pick(PROSE_BEFORE)}\n\n${render(files)}\n${rng.pick(PROSE_AFTER)}\n`,
  "wrong-line-numbers": (files, rng) => {
    const f2 = clone(files);
    for (const f of f2)
      for (const h of f.hunks) {
        let shift = rng.pick([-1, 1]) * rng.int(2, 30);
        if (h.oldStart + shift < 1 || h.newStart + shift < 1) shift = -shift;
        h.oldStart += shift;
        h.newStart += shift;
      }
    return render(f2);
  },
  "bare-@@": (files, rng) => {
    const form = rng.pick(["@@ @@", "@@", "@@ ... @@"]);
    return render(files, { header: () => form });
  },
  "wrong-counts": (files, rng) =>
    render(files, {
      header: (h) => `@@ -${h.oldStart},${h.oldCount + rng.int(1, 3)} +${h.newStart},${Math.max(0, h.newCount - rng.int(1, 3))} @@`,
    }),
  "no-prefix": (files) => render(files, { names: (f) => [stripPrefix(f.oldName), stripPrefix(f.newName)] }),
  "other-prefix": (files, rng) => {
    const pre = rng.pick(["orig/", "./", "workspace/"]);
    return render(files, { names: (f) => [prefixed(f.oldName, pre), prefixed(f.newName, pre)] });
  },
  "blank-context-stripped": (files) => renderIfTouched(mapLines(files, (l) => (l === " " ? "" : l))),
  "indent-context": (files, rng, notes) =>
    renderIfTouched(
      withContext(
        files,
        (t, r) => (r.next() < 0.5 ? t : r.pick([(s: string) => `  ${s}`, (s: string) => s.replace(/^ {1,2}/, ""), (s: string) => s.replace(/^ {2}/, "\t"), (s: string) => s.trimStart()])(t)),
        rng,
        (t) => t.trim() !== "",
      ),
      notes,
    ),
  "trailing-ws-context": (files, rng, notes) =>
    renderIfTouched(
      withContext(files, (t, r) => (r.next() < 0.5 ? t : t + r.pick([" ", "  ", "\t"])), rng, (t) => t.trim() !== ""),
      notes,
    ),
  "less-context": (files, rng) => {
    const f2 = clone(files);
    const keep = rng.int(1, 2);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks) {
        let lead = 0;
        while (h.lines[lead]?.[0] === " ") lead++;
        let tail = 0;
        while (h.lines[h.lines.length - 1 - tail]?.[0] === " ") tail++;
        const dropLead = Math.max(0, lead - keep);
        const dropTail = Math.max(0, tail - keep);
        if (dropLead + dropTail === 0) continue;
        touched = true;
        h.lines = h.lines.slice(dropLead, h.lines.length - dropTail);
        h.oldStart += dropLead;
        h.newStart += dropLead;
        h.oldCount -= dropLead + dropTail;
        h.newCount -= dropLead + dropTail;
      }
    return touched ? render(f2) : null;
  },
  "hunks-reordered": (files) => {
    if (!files.some((f) => f.hunks.length > 1)) return null;
    const f2 = clone(files);
    for (const f of f2) f.hunks.reverse();
    return render(f2);
  },
  "no-headers": (files) => {
    if (files.length !== 1) return null;
    return files[0]!.hunks.map((h) => `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@\n${h.lines.join("\n")}\n`).join("");
  },
  truncated: (files, rng) => {
    // the reply hit the token limit inside the last hunk: the fence never closes
    const text = render(files);
    const lines = text.split("\n");
    const lastHeader = indexesWhere(lines, (l) => l.startsWith("@@")).pop()!;
    const hunkLen = lines.length - 1 - (lastHeader + 1);
    if (hunkLen < 3) return null;
    const keep = lastHeader + 1 + rng.int(1, hunkLen - 1);
    return `\`\`\`diff\n${lines.slice(0, keep).join("\n")}\n`;
  },
  // --- beyond the required list: other slips seen from small models ---
  "blank-context-dropped": (files, rng, notes) => {
    // A blank context line left out of the hunk altogether (counts corrected, so only the line is
    // missing). When the blank sat right next to added lines, nothing says on which side of it they
    // go; when the nearest old lines on both sides of it are removed ones, nothing says whether it
    // is removed with them: then the case must be refused.
    const f2 = clone(files);
    let touched = false;
    for (const f of f2)
      for (const h of f.hunks) {
        const blanks = indexesWhere(h.lines, (l, k) => l === " " && k > 0 && k < h.lines.length - 1);
        if (blanks.length === 0) continue;
        const i = rng.pick(blanks);
        if (h.lines[i - 1]![0] === "+" || h.lines[i + 1]![0] === "+") notes.placementLost = true;
        const oldOp = (from: number, step: number) => {
          for (let j = from; j >= 0 && j < h.lines.length; j += step) if (h.lines[j]![0] !== "+") return h.lines[j]![0];
          return undefined;
        };
        if (oldOp(i - 1, -1) === "-" && oldOp(i + 1, 1) === "-") notes.placementLost = true;
        h.lines.splice(i, 1);
        h.oldCount--;
        h.newCount--;
        touched = true;
      }
    return touched ? render(f2) : null;
  },
  "whole-hunk-shifted": (files, rng, notes) => {
    // every line of the hunk (context, removed, added) indented differently from the file
    return shiftHunkLines(files, rng, () => true, notes);
  },
  "unprefixed-context": (files, rng, notes) => {
    // some context lines lost their leading space entirely (inside a fenced block)
    const { f2, touched } = mapLines(files, (l, i) =>
      l[0] !== " " || i === 0 || l.trim() === "" || /^[-+@\\]/.test(l.slice(1)) || rng.next() < 0.5 ? l : l.slice(1),
    );
    notes.sent = f2;
    return touched ? `\`\`\`diff\n${render(f2)}\`\`\`\n` : null;
  },
  "tabs-in-context": (files, rng, notes) => {
    // context indentation written with tabs where the file has spaces
    return renderIfTouched(withContext(files, (t, r) => (r.next() < 0.6 ? t.replace(/^( {2})+/, (m) => "\t".repeat(m.length / 2)) : t), rng, (t) => /^ {2}/.test(t)), notes);
  },
  "combined-a": (files, rng) => {
    // bare @@, no prefixes, blank context stripped, trailing whitespace, fenced with prose
    const { f2: trailing } = withContext(files, (t, r) => (r.next() < 0.3 ? `${t} ` : t), rng, (t) => t.trim() !== "");
    const { f2 } = mapLines(trailing, (l) => (l === " " ? "" : l));
    return `${rng.pick(PROSE_BEFORE)}\n\`\`\`diff\n${render(f2, { header: () => "@@ @@", names: (f) => [stripPrefix(f.oldName), stripPrefix(f.newName)] })}\`\`\`\n`;
  },
  "combined-b": (files, rng) => {
    // wrong line numbers, wrong counts, indentation drift on context, other prefix, unfenced
    const { f2 } = withContext(files, (t, r) => (r.next() < 0.4 ? `  ${t}` : t), rng, (t) => t.trim() !== "");
    const shift = rng.int(3, 20);
    return `${rng.pick(PROSE_BEFORE)}\n${render(f2, {
      header: (h) => `@@ -${h.oldStart + shift},${h.oldCount + 1} +${h.newStart + shift},${h.newCount} @@`,
      names: (f) => [prefixed(f.oldName, "orig/"), prefixed(f.newName, "new/")],
    })}`;
  },
};

/**
 * Every non-blank line of each hunk that `moves` picks (by its op), indented two spaces deeper
 * than the file, or two spaces less when every line of the diff has them to lose (a line clamped
 * at column 0 cannot be told from one that belongs there). Null unless a removed line moved: only
 * then did the model visibly copy the file's code shifted.
 */
function shiftHunkLines(files: readonly DFile[], rng: Rng, moves: (op: string) => boolean, notes: Notes): string | null {
  const canDedent = files.every((f) => f.hunks.every((h) => h.lines.every((l) => l.slice(1).trim() === "" || l[0] === "\\" || l.startsWith("  ", 1))));
  const shift = canDedent && rng.next() < 0.5 ? (s: string) => s.replace(/^ {2}/, "") : (s: string) => `  ${s}`;
  const { f2, touched } = mapLines(files, (l) => (l[0] === "\\" || l.slice(1).trim() === "" || !moves(l[0]!) ? l : l[0] + shift(l.slice(1))));
  notes.sent = f2;
  const removedMoved = f2.some((f, fi) => f.hunks.some((h, hi) => h.lines.some((l, i) => l[0] === "-" && l !== files[fi]!.hunks[hi]!.lines[i])));
  return touched && removedMoved ? render(f2) : null;
}

/**
 * Kinds added after the corpus's first version (issue 14). Kept out of PERTURBATION_KINDS so the
 * first groups of the synthetic corpus draw what they always drew; corpus.ts makes these last.
 */
const LATER_PERTURBATIONS: Record<string, Perturb> = {
  // The model copied the lines it quotes (context and removed) shifted, but wrote the lines it
  // adds at the file's own indentation: seen on real commits, where re-indenting the added lines
  // by the quoted lines' shift put an interface member two columns off.
  "context-shifted-added-kept": (files, rng, notes) => shiftHunkLines(files, rng, (op) => op !== "+", notes),
};

/** The perturbation kinds, in the order the corpus generates them (the order of the seeded draws). */
export const PERTURBATION_KINDS = Object.keys(PERTURBATIONS);

/** Perturbation kinds added later (see LATER_PERTURBATIONS). */
export const LATER_PERTURBATION_KINDS = Object.keys(LATER_PERTURBATIONS);

/**
 * The reply a perturbation makes of these diffs (null: it does not apply), whether it lost the
 * edit's placement, and the diffs as sent (whitespace changed, or as given).
 */
export function perturb(kind: string, files: DFile[], rng: Rng): { reply: string | null; placementLost: boolean; sent: DFile[] } {
  const notes: Notes = { placementLost: false };
  const given = clone(files);
  const reply = (PERTURBATIONS[kind] ?? LATER_PERTURBATIONS[kind])!(files, rng, notes);
  return { reply, placementLost: notes.placementLost, sent: notes.sent ?? given };
}
