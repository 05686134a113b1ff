// The edit-applier benchmark corpus, generated deterministically (seeded) from real TypeScript
// that nobody on this project wrote (see sources.ts).
//
// Each case: the files before, the reply a model might send (a diff, perturbed one way or a few
// ways, or a whole file), and the files expected after — or `null` when the only right answer is
// to refuse (ambiguous hunks, elided code).
//
// The groups of cases draw from one seeded generator in a fixed order: changing the order, or
// what one group draws, changes every case after it (and the corpus hash in RESULTS.md).
import { ambiguousWithoutLineNumbers, crlf, dropFinalNewline, LINE_NUMBERS_LOST, MUST_REFUSE, type BenchCase, type CaseBuilder } from "./cases.ts";
import { clone, makeDiff } from "./diff-data.ts";
import { addEndOfFileCases, addNewFileCases, addTwoFileCases, addWholeFileCases } from "./edit-cases.ts";
import { applyEdits, EDITS, toLines } from "./edits.ts";
import { readsTwoWays } from "./lookalike.ts";
import { addOrderCases } from "./order-cases.ts";
import { LATER_PERTURBATION_KINDS, perturb, PERTURBATION_KINDS } from "./perturbations.ts";
import { addDuplicateContextCases, addElisionCases } from "./refusal-cases.ts";
import { Rng } from "./rng.ts";
import { loadSources, type Source } from "./sources.ts";

export const CORPUS_SEED = 20240917;

const PER_KIND = 18;

/**
 * The bulk of the corpus: single-file edits × perturbations. Every perturbation kind gets the
 * same number of attempts, and a sixth of the cases of each kind ride on a CRLF copy of the file,
 * another sixth on a copy with no final newline.
 */
function addPerturbedCases({ rng, medium, editNames, push }: CaseBuilder, kinds: readonly string[]): void {
  for (const kind of kinds) {
    let made = 0;
    let guard = 0;
    while (made < PER_KIND && guard++ < 400) {
      const src = rng.pick(medium);
      const multi = kind === "hunks-reordered" || rng.next() < 0.25;
      const edits = multi ? [rng.pick(editNames), rng.pick(editNames)] : [rng.pick(editNames)];
      const after = applyEdits(src.content, edits, rng);
      if (after === null) continue;
      let before: string | null = src.content;
      let expected: string | null = after;
      let k = kind;
      // Line-ending variants ride on the clean diff of the LF file.
      const variant = made % 6 === 5 ? "crlf" : made % 6 === 4 ? "no-eol" : null;
      const diffFiles = [makeDiff(src.path, before, after)];
      const { reply, placementLost: lost, sent } = perturb(kind, clone(diffFiles), rng);
      if (reply === null) continue;
      if (variant === "crlf") {
        before = crlf(before);
        expected = crlf(expected);
        k = `${kind}+crlf`;
      } else if (variant === "no-eol") {
        before = dropFinalNewline(before);
        expected = dropFinalNewline(expected);
        // The diff was made from the file with a newline, so it has no "\ No newline" markers —
        // the way a model writes it.
        k = `${kind}+no-eol`;
      }
      const dup = LINE_NUMBERS_LOST.has(kind) && ambiguousWithoutLineNumbers(diffFiles[0]!, src.content);
      const twoWays = !LINE_NUMBERS_LOST.has(kind) && readsTwoWays(sent[0]!, src.content);
      const others = kind === "no-headers" ? [] : rng.shuffle(medium.filter((m) => m.path !== src.path)).slice(0, rng.int(0, 2));
      push({
        edit: edits.join("+") + (dup ? " (context occurs twice)" : "") + (lost ? " (placement lost)" : "") + (twoWays ? " (quoted lines match another place)" : ""),
        kind: k,
        filesOwned: [src.path, ...others.map((o) => o.path)],
        before: { [src.path]: before, ...Object.fromEntries(others.map((o) => [o.path, o.content])) },
        reply,
        expected: dup || lost || twoWays || MUST_REFUSE.has(kind) ? null : { [src.path]: expected, ...Object.fromEntries(others.map((o) => [o.path, o.content])) },
      });
      made++;
    }
  }
}

const linesBetween = (sources: readonly Source[], lo: number, hi: number) =>
  sources.filter((s) => {
    const n = toLines(s.content).length;
    return n >= lo && n <= hi;
  });

export function buildCorpus(seed = CORPUS_SEED): BenchCase[] {
  const all = loadSources();
  const cases: BenchCase[] = [];
  let id = 0;
  const builder: CaseBuilder = {
    rng: new Rng(seed),
    small: linesBetween(all, 30, 200),
    medium: linesBetween(all, 30, 900),
    editNames: Object.keys(EDITS),
    push: (c) => cases.push({ id: `c${String(++id).padStart(4, "0")}`, ...c }),
  };
  for (const add of [
    (b: CaseBuilder) => addPerturbedCases(b, PERTURBATION_KINDS),
    addEndOfFileCases,
    addTwoFileCases,
    addNewFileCases,
    addWholeFileCases,
    addDuplicateContextCases,
    addElisionCases,
    // Kinds added later go last, so that the cases before them stay as they were.
    (b: CaseBuilder) => addPerturbedCases(b, LATER_PERTURBATION_KINDS),
    addOrderCases,
  ]) {
    add(builder);
  }
  return cases;
}
