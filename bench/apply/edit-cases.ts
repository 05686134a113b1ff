// Cases beyond one perturbed diff of one file: edits at the end of a file with no final newline,
// two-file edits, new files, and whole-file answers.
import { ambiguousWithoutLineNumbers, dropFinalNewline, LINE_NUMBERS_LOST, WHOLE_LABELS, type CaseBuilder, type Files } from "./cases.ts";
import { makeDiff, render } from "./diff-data.ts";
import { applyEdits, toLines } from "./edits.ts";
import { perturb } from "./perturbations.ts";
import type { Source } from "./sources.ts";

/** End-of-file edits on files without a final newline (the diff touches the last line). */
export function addEndOfFileCases({ rng, medium, push }: CaseBuilder): void {
  for (let n = 0; n < 12; n++) {
    const src = rng.pick(medium);
    const before = dropFinalNewline(src.content)!;
    const after = dropFinalNewline(applyEdits(src.content, ["import", ...(n % 2 ? ["delete-lines"] : [])], rng) ?? "")!;
    const appended = `${after}\n\nexport const LIMIT_${n} = ${n + 1};`;
    const cleanFiles = [makeDiff(src.path, `${before}\n`, `${appended}\n`)];
    const kind = n % 3 === 0 ? "clean" : n % 3 === 1 ? "bare-@@" : "fenced-prose";
    push({
      edit: "append-at-eof",
      kind: `${kind}+no-eol-tail`,
      filesOwned: [src.path],
      before: { [src.path]: before },
      reply: perturb(kind, cleanFiles, rng).reply!,
      expected: { [src.path]: appended },
    });
  }
}

/** Multi-file edits: one fenced block per file with prose between, or one block for all. */
export function addTwoFileCases({ rng, medium, editNames, push }: CaseBuilder): void {
  for (let n = 0; n < 24; n++) {
    const [a, b] = rng.shuffle(medium).slice(0, 2) as [Source, Source];
    const afterA = applyEdits(a.content, [rng.pick(editNames)], rng);
    const afterB = applyEdits(b.content, [rng.pick(editNames)], rng);
    if (afterA === null || afterB === null) continue;
    const fa = makeDiff(a.path, a.content, afterA);
    const fb = makeDiff(b.path, b.content, afterB);
    const style = n % 3;
    const reply =
      style === 0
        ? `I need to change two files.\n\nFirst \`${a.path}\`:\n\n\`\`\`diff\n${render([fa])}\`\`\`\n\nThen \`${b.path}\`:\n\n\`\`\`diff\n${render([fb])}\`\`\`\n\nThat's all.`
        : style === 1
          ? `\`\`\`diff\n${render([fa, fb], { header: () => "@@ @@" })}\`\`\`\n`
          : perturb("wrong-line-numbers", [fa, fb], rng).reply!;
    const kind = ["multi-block", "multi-file-bare-@@", "multi-file-wrong-lines"][style]!;
    const dup = LINE_NUMBERS_LOST.has(kind) && (ambiguousWithoutLineNumbers(fa, a.content) || ambiguousWithoutLineNumbers(fb, b.content));
    push({
      edit: `two-files${dup ? " (context occurs twice)" : ""}`,
      kind,
      filesOwned: [a.path, b.path],
      before: { [a.path]: a.content, [b.path]: b.content },
      reply,
      expected: dup ? null : { [a.path]: afterA, [b.path]: afterB },
    });
  }
}

/** New files (--- /dev/null), next to an edit of an existing file half of the time. */
export function addNewFileCases({ rng, small, medium, push }: CaseBuilder): void {
  for (let n = 0; n < 16; n++) {
    const donor = rng.pick(small);
    const newPath = `src/generated/${["helpers", "shapes", "guards", "schema-utils"][n % 4]}-${n}.ts`;
    const content = `${toLines(donor.content).slice(0, rng.int(8, 40)).join("\n")}\n`;
    const fNew = makeDiff(newPath, null, content);
    const files = [fNew];
    const before: Files = { [newPath]: null };
    const expected: Files = { [newPath]: content };
    const owned = [newPath];
    if (n % 2 === 1) {
      const other = rng.pick(medium);
      const afterO = applyEdits(other.content, ["import"], rng)!;
      files.unshift(makeDiff(other.path, other.content, afterO));
      before[other.path] = other.content;
      expected[other.path] = afterO;
      owned.push(other.path);
    }
    const kind = ["clean", "fenced-prose", "no-prefix", "bare-@@"][n % 4]!;
    push({ edit: "new-file", kind, filesOwned: owned, before, reply: perturb(kind, files, rng).reply!, expected });
  }
}

/** Whole-file answers (files up to 200 lines). */
export function addWholeFileCases({ rng, small, editNames, push }: CaseBuilder): void {
  for (let n = 0; n < 20; n++) {
    const src = rng.pick(small);
    const after = applyEdits(src.content, [rng.pick(editNames)], rng);
    if (after === null) continue;
    push({
      edit: "whole-file",
      kind: "whole-file",
      filesOwned: [src.path],
      before: { [src.path]: src.content },
      reply: WHOLE_LABELS[n % WHOLE_LABELS.length]!(src.path, after),
      expected: { [src.path]: after },
    });
  }
}
