// From the diff blocks of a reply to one plan per file: each block is lexed, the paths of its
// file headers are resolved to owned files (or refused), the hunks of one file are gathered, and
// the headers say whether the file is created, deleted or modified.
import { reject, type PlanEditInput, type Rejection, type Step } from "./contract.ts";
import type { DiffSource } from "./extract.ts";
import { lexDiff, sideCounts, type LexFile, type LexHunk } from "./lex.ts";
import { resolvePath, type ResolvedPath } from "./paths.ts";
import { ownedList, pathProblem } from "./refusals.ts";

export type FileKind = "modify" | "create" | "delete";

export interface FilePlan {
  path: string;
  kind: FileKind;
  hunks: LexHunk[];
  before: string | null;
}

interface Target {
  path: string;
  kind: FileKind;
}

export function collectDiffs(sources: readonly DiffSource[], input: PlanEditInput): Step<FilePlan[]> {
  const plans = new Map<string, FilePlan>();
  let lastPath: string | null = null;
  let sawAnything = false;
  for (const src of sources) {
    const lexed = lexDiff(src.text, { fenced: src.fenced, allowHeaderless: src.allowHeaderless });
    const cut = src.unclosed ? cutOffRefusal(lexed) : null;
    if (cut) return cut;
    for (const lf of lexed) {
      sawAnything = true;
      const target = resolveTarget(lf, src.label ?? lastPath, input.filesOwned, input.filesRead);
      if (!target.ok) return target;
      lastPath = target.value.path;
      const clash = addHunks(plans, lf.hunks, target.value, input.current);
      if (clash) return clash;
    }
  }
  if (!sawAnything) {
    return reject(
      "parse_error",
      `I found a diff block but no hunk in it. Each change needs "--- a/<path>", "+++ b/<path>", an "@@ ... @@" line, then lines starting with " " (unchanged), "-" (removed) or "+" (added).`,
    );
  }
  for (const plan of plans.values()) if (createsWithoutDevNull(plan)) plan.kind = "create";
  return { ok: true, value: [...plans.values()] };
}

/** An unclosed block whose last hunk has fewer lines than its @@ header announces: the reply was cut off. */
function cutOffRefusal(lexed: readonly LexFile[]): Rejection | null {
  const last = lexed[lexed.length - 1]?.hunks.at(-1);
  if (!last || last.oldCount === null || last.newCount === null) return null;
  const have = sideCounts(last.lines);
  if (have.old >= last.oldCount && have.new >= last.newCount) return null;
  return reject(
    "parse_error",
    `Your reply was cut off: the last diff block never closes and its last hunk has ${have.old}/${have.new} of the ${last.oldCount}/${last.newCount} old/new lines its @@ header announces. Send a shorter diff that fits in one reply.`,
  );
}

/**
 * The owned file a lexed file part is for, and what it does to it. Hunks without a file header
 * belong to `hint` (the block's label, else the file before them), else to the only owned file.
 */
function resolveTarget(lf: LexFile, hint: string | null, filesOwned: readonly string[], filesRead: readonly string[] = []): Step<Target> {
  const sides = resolveSides(lf, hint, filesOwned, filesRead);
  if (!sides.ok) return sides;
  const [rOld, rNew] = sides.value;
  const bad = (["outside", "read_only", "not_owned"] as const).map((kind) => [rOld, rNew].find((r) => r.kind === kind)).find((r) => r !== undefined);
  if (bad) return pathProblem(bad, filesOwned)!;
  if (rOld.kind === "devnull" && rNew.kind === "devnull") {
    return reject("parse_error", `A file in the diff is /dev/null on both sides (--- and +++). Name the file: --- a/<path> and +++ b/<path>.`);
  }
  if (rOld.kind === "owned" && rNew.kind === "owned" && rOld.path !== rNew.path) {
    return reject(
      "parse_error",
      `The diff renames ${rOld.path} to ${rNew.path}; renames are not supported. Use the same path on the --- and +++ lines.`,
    );
  }
  const path: string = rNew.kind === "owned" ? rNew.path : (rOld as { path: string }).path;
  const kind = rOld.kind === "devnull" || (lf.gitCreate && !lf.gitDelete) ? "create" : rNew.kind === "devnull" || lf.gitDelete ? "delete" : "modify";
  return { ok: true, value: { path, kind } };
}

function resolveSides(lf: LexFile, hint: string | null, filesOwned: readonly string[], filesRead: readonly string[]): Step<[ResolvedPath, ResolvedPath]> {
  if (lf.oldPath !== undefined || lf.newPath !== undefined) {
    const resolve = (p: string) => resolvePath(p, filesOwned, filesRead);
    return { ok: true, value: [resolve(lf.oldPath ?? lf.newPath!), resolve(lf.newPath ?? lf.oldPath!)] };
  }
  const fallback = hint ?? (filesOwned.length === 1 ? filesOwned[0]! : null);
  if (fallback === null) {
    return reject(
      "parse_error",
      `The diff has hunks without a file header, and you own several files. Start each file's part with "--- a/<path>" and "+++ b/<path>" lines (your files: ${ownedList(filesOwned)}).`,
    );
  }
  const r = resolvePath(fallback, filesOwned, filesRead);
  return { ok: true, value: [r, r] };
}

/** Adds a file part's hunks to the plan for its file; refused when the parts disagree on the file's kind. */
function addHunks(plans: Map<string, FilePlan>, hunks: readonly LexHunk[], { path, kind }: Target, current: PlanEditInput["current"]): Rejection | null {
  const existing = plans.get(path);
  if (!existing) {
    plans.set(path, { path, kind, hunks: [...hunks], before: current.get(path) ?? null });
    return null;
  }
  if (existing.kind !== kind) {
    return reject("parse_error", `${path} appears twice in the diff with different headers (one creates or deletes it). Send one part per file.`);
  }
  existing.hunks.push(...hunks);
  return null;
}

/** Only added lines, for a file that does not exist: a new file written without --- /dev/null. */
function createsWithoutDevNull(plan: FilePlan): boolean {
  return plan.kind === "modify" && plan.before === null && plan.hunks.every((h) => h.lines.every((l) => l.op === "+"));
}
