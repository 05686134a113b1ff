// What a corpus case is, and the ground truth shared by the case builders: which cases must be
// refused, and the line-ending variants a case can ride on.
import type { DFile } from "./diff-data.ts";
import { placementDetermined } from "./order.ts";
import type { Rng } from "./rng.ts";
import type { Source } from "./sources.ts";

export type Files = Record<string, string | null>;

export interface BenchCase {
  id: string;
  /** The edit made (rename, insert-fn, …). */
  edit: string;
  /** The perturbation applied to the clean diff (clean, bare-@@, …). */
  kind: string;
  filesOwned: string[];
  before: Files;
  /** What the model sent: the text given to planEdit, `patch` and `git apply` alike. */
  reply: string;
  /** null: the case must be refused. */
  expected: Files | null;
}

/** What a group of cases is built from; `push` numbers the cases in the order they are made. */
export interface CaseBuilder {
  rng: Rng;
  /** Sources of 30 to 200 lines. */
  small: Source[];
  /** Sources of 30 to 900 lines. */
  medium: Source[];
  editNames: string[];
  push(c: Omit<BenchCase, "id">): void;
}

/** Perturbations whose only right answer is a refusal. */
export const MUST_REFUSE = new Set(["truncated"]);

/** Perturbations after which the hunk headers no longer say where a hunk goes. */
export const LINE_NUMBERS_LOST = new Set(["bare-@@", "wrong-line-numbers", "combined-a", "combined-b", "multi-file-bare-@@", "multi-file-wrong-lines"]);

/**
 * Ground truth for "is this edit placeable at all" once the hunk headers no longer say where the
 * hunks go: when a hunk's old side (context + removed, as the clean diff has it) occurs more than
 * once in the file, and the order of the file's hunks does not settle which occurrence it is
 * (order.ts), the only right answer is to refuse.
 */
export function ambiguousWithoutLineNumbers(diff: DFile, before: string): boolean {
  return !placementDetermined(diff, before);
}

export function crlf(s: string | null): string | null {
  return s === null ? null : s.replace(/\n/g, "\r\n");
}

export function dropFinalNewline(s: string | null): string | null {
  return s === null ? null : s.replace(/\n$/, "");
}

/** Ways a model labels a whole-file answer: the path in the fence's info string, above it, or in bold. */
export const WHOLE_LABELS = [
  (p: string, body: string) => `Here is the updated file:\n\n\`\`\`ts ${p}\n${body}\`\`\`\n`,
  (p: string, body: string) => `\`\`\`${p}\n${body}\`\`\`\n`,
  (p: string, body: string) => `Updated version:\n\n\`${p}\`:\n\`\`\`typescript\n${body}\`\`\`\n\nDone.`,
  (p: string, body: string) => `**${p}**\n\`\`\`ts\n${body}\`\`\`\n`,
];
