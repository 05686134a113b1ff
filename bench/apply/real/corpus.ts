// The real-edit corpus: edits nobody here chose, to code nobody here wrote. Each edit is a source
// file of a pinned npm package as version N ships it and as version N+1 ships it (edits.ts); the
// reply is the clean diff of that change with the synthetic corpus's perturbations (and the ones
// issue 14 names), or a whole-file answer, or one reply for several files of one release.
//
// Every edit and every release draws from its own seeded generator (seeded by its id), so a case
// is the same whether the corpus is built from all the pins or only from CI_PAIRS.
import { ambiguousWithoutLineNumbers, crlf, dropFinalNewline, LINE_NUMBERS_LOST, MUST_REFUSE, WHOLE_LABELS, type BenchCase, type Files } from "../cases.ts";
import { clone, makeDiff, render } from "../diff-data.ts";
import { toLines } from "../edits.ts";
import { ORDER_KINDS, orderDiff, orderReply, type OrderKind } from "../order-cases.ts";
import { readsTwoWays } from "../lookalike.ts";
import { LATER_PERTURBATION_KINDS, perturb, PERTURBATION_KINDS } from "../perturbations.ts";
import { Rng } from "../rng.ts";
import { DEFAULT_LIMITS } from "../../../orchestrator/src/core/defaults.ts";
import { WHOLE_FILE_MAX_LINES } from "../../../orchestrator/src/edits/limits.ts";
import { loadEdits, type RealEdit, type VersionPair } from "./edits.ts";

export const REAL_SEED = 20261201;

/** The version pairs whose cases the CI test runs (fetch.ts --ci fetches their tarballs). */
export const CI_PAIRS: readonly VersionPair[] = [
  // src/link.tsx, a 30,000-character React component
  { name: "@tanstack/react-router", from: "1.170.40", to: "1.170.41" },
  // src/router.ts, 92,000 characters
  { name: "@tanstack/router-core", from: "1.171.26", to: "1.171.27" },
  // src/v4/classic/tests/string.test.ts (70,000 characters) and to-json-schema.test.ts (143,000)
  { name: "zod", from: "4.6.3", to: "4.6.4" },
  // quoted lines shifted with the added ones at the file's indentation; repeated context order does not settle
  { name: "@trpc/server", from: "11.19.0", to: "11.22.1" },
];

/** At most this many edits of one release, the ones on files of 30,000+ characters first. */
const EDITS_PER_PAIR = 12;
const BIG_FILE = 30_000;
/** Cases made of each edit, each of a different kind. */
const KINDS_PER_EDIT = 2;

/** The kinds an edit draws its KINDS_PER_EDIT cases from; the order kinds come on top (see buildRealCorpus). */
export const REAL_KINDS: readonly string[] = [...PERTURBATION_KINDS, ...LATER_PERTURBATION_KINDS, "whole-file"];

/** FNV-1a: a seed from a string (and the corpus seed), so each edit has its own generator. */
function seedOf(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One case of `kind` made of an edit, or null when the kind does not apply to it. */
function editCase(e: RealEdit, kind: string, rng: Rng): Omit<BenchCase, "id"> | null {
  const owned = { filesOwned: [e.path], before: { [e.path]: e.before } as Files };
  if (kind === "whole-file") {
    if (toLines(e.after).length > WHOLE_FILE_MAX_LINES || toLines(e.before).length > WHOLE_FILE_MAX_LINES) return null;
    return { edit: e.id, kind, ...owned, reply: rng.pick(WHOLE_LABELS)(e.path, e.after), expected: { [e.path]: e.after } };
  }
  if ((ORDER_KINDS as readonly string[]).includes(kind)) {
    const d = orderDiff(e.path, e.before, e.after, kind as OrderKind, rng);
    if (d === null) return null;
    const refuse = kind === "order-undecided";
    return { edit: `${e.id}${refuse ? " (context occurs twice)" : ""}`, kind, ...owned, reply: orderReply(d, rng), expected: refuse ? null : { [e.path]: e.after } };
  }
  const diff = makeDiff(e.path, e.before, e.after);
  const { reply, placementLost, sent } = perturb(kind, clone([diff]), rng);
  if (reply === null) return null;
  const dup = LINE_NUMBERS_LOST.has(kind) && ambiguousWithoutLineNumbers(diff, e.before);
  const twoWays = !LINE_NUMBERS_LOST.has(kind) && readsTwoWays(sent[0]!, e.before);
  const refuse = dup || placementLost || twoWays || MUST_REFUSE.has(kind);
  // A sixth of the cases ride on a CRLF copy of the file, a sixth on one with no final newline
  // (the diff stays as made from the LF file, as a model would write it).
  const roll = rng.next();
  const variant = roll < 1 / 6 ? "crlf" : roll < 2 / 6 ? "no-eol" : null;
  const change = variant === "crlf" ? crlf : variant === "no-eol" ? dropFinalNewline : (s: string | null) => s;
  return {
    edit: e.id + (dup ? " (context occurs twice)" : "") + (placementLost ? " (placement lost)" : "") + (twoWays ? " (quoted lines match another place)" : ""),
    kind: variant ? `${kind}+${variant}` : kind,
    filesOwned: [e.path],
    before: { [e.path]: change(e.before) },
    reply,
    expected: refuse ? null : { [e.path]: change(e.after) },
  };
}

/** Several files of one release in one reply: one fenced block per file with prose between, or one block of them all. */
function releaseCase(pair: string, edits: readonly RealEdit[], rng: Rng): Omit<BenchCase, "id"> | null {
  // Together within the default diff limit, as the edits one by one are.
  const picked: RealEdit[] = [];
  const want = rng.int(2, 3);
  for (const e of rng.shuffle(edits)) {
    if (picked.length < want && picked.reduce((n, p) => n + p.changed, e.changed) <= DEFAULT_LIMITS.maxPatchLines) picked.push(e);
  }
  if (picked.length < 2) return null;
  const diffs = picked.map((e) => makeDiff(e.path, e.before, e.after));
  const blocks = rng.next() < 0.5;
  const reply = blocks
    ? `${picked.map((e, i) => `Changes to \`${e.path}\`:\n\n\`\`\`diff\n${render([diffs[i]!])}\`\`\``).join("\n\nNext,\n\n")}\n`
    : `\`\`\`diff\n${render(diffs, { header: () => "@@ @@" })}\`\`\`\n`;
  const dup = !blocks && picked.some((e, i) => ambiguousWithoutLineNumbers(diffs[i]!, e.before));
  return {
    edit: `${pair}: ${picked.length} files${dup ? " (context occurs twice)" : ""}`,
    kind: blocks ? "release-blocks" : "release-bare-@@",
    filesOwned: picked.map((e) => e.path),
    before: Object.fromEntries(picked.map((e) => [e.path, e.before])),
    reply,
    expected: dup ? null : Object.fromEntries(picked.map((e) => [e.path, e.after])),
  };
}

/** The edits of one release that the corpus uses: the big files first, then others at random, EDITS_PER_PAIR in all. */
function pickEdits(pair: string, edits: readonly RealEdit[], seed: number): RealEdit[] {
  const rng = new Rng(seedOf(pair, seed));
  const big = edits.filter((e) => e.before.length >= BIG_FILE);
  const rest = rng.shuffle(edits.filter((e) => e.before.length < BIG_FILE));
  return [...big, ...rest].slice(0, EDITS_PER_PAIR);
}

/** The real-edit corpus, of every pinned version pair or only of `only`. */
export function buildRealCorpus(only?: readonly VersionPair[], seed = REAL_SEED): BenchCase[] {
  const byPair = new Map<string, RealEdit[]>();
  for (const e of loadEdits(only)) {
    const pair = `${e.pkg}@${e.from}..${e.to}`;
    byPair.set(pair, [...(byPair.get(pair) ?? []), e]);
  }
  const cases: BenchCase[] = [];
  for (const [pair, all] of byPair) {
    const edits = pickEdits(pair, all, seed);
    for (const e of edits) {
      const rng = new Rng(seedOf(e.id, seed));
      let made = 0;
      for (const kind of rng.shuffle(REAL_KINDS)) {
        if (made === KINDS_PER_EDIT) break;
        const c = editCase(e, kind, rng);
        if (c === null) continue;
        cases.push({ id: `${e.id}#${c.kind}`, ...c });
        made++;
      }
      // Repeated context that only the order of the hunks settles needs an edit of 2+ hunks and a
      // context that can be cut to repeat, so it is tried on every edit; a third of them also
      // try the case where order does not settle it.
      for (const kind of rng.next() < 1 / 3 ? ORDER_KINDS : ORDER_KINDS.slice(0, 1)) {
        const c = editCase(e, kind, rng);
        if (c !== null) cases.push({ id: `${e.id}#${c.kind}`, ...c });
      }
    }
    const r = releaseCase(pair, edits, new Rng(seedOf(`${pair}#release`, seed)));
    if (r) cases.push({ id: `${pair}#${r.kind}`, ...r });
  }
  return cases;
}
