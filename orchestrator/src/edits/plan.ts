// planEdit: from a model's reply to the new contents of the owned files, or a refusal written
// for the model. It never writes to the workspace; the caller writes (and restores) files.
//
//   reply ─ extract ─┬─ diff blocks ─ lex ─ resolve paths ─ size ─ elision ─ strict (patch) ─┬─ changes
//                    │                                                      └─ tolerant ────┘
//                    └─ whole files ─ resolve paths ─ size ─ elision ─────────────────────────── changes
import { reject, type EditPlan, type EditStrategy, type FileChange, type PlanEditInput, type Rejection } from "./contract.ts";
import { findElision, isPlaceholder } from "./elision.ts";
import { extractEdits, type DiffSource, type WholeFileSource } from "./extract.ts";
import { lexDiff } from "./lex.ts";
import { checkParses, renderChanges, renderStrictDiff, type FilePlan } from "./normalise.ts";
import { resolvePath, type ResolvedPath } from "./paths.ts";
import { WHOLE_FILE_MAX_LINES } from "./limits.ts";
import { patchApplier } from "./strict.ts";
import { applyTolerant } from "./tolerant.ts";
import { countLines, quote, splitFile, squash, textLines } from "./text.ts";

export type {
  EditPlan,
  EditStrategy,
  FileChange,
  PlanEditInput,
  RejectReason,
  StrictApplier,
} from "./contract.ts";
export { patchApplier } from "./strict.ts";
export { isPlaceholder } from "./elision.ts";

/** Files of up to this many lines may be answered as whole files (the reasoning is in limits.ts). */
export { WHOLE_FILE_MAX_LINES } from "./limits.ts";

/**
 * A whole-file answer with fewer than this fraction of the old file's non-blank lines is taken
 * for a fragment (a snippet labelled with the path, or a cut-off reply), not a rewrite: as a
 * whole file it would delete the rest. Deleting most of a file is still possible with a diff.
 */
const FRAGMENT_RATIO = 0.4;
const FRAGMENT_MIN_OLD_LINES = 20;

/** File names that are clearly files when they label a code block. */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|json|css|scss|less|html?|md|mdx|ya?ml|toml|txt|sh|py|go|rs|vue|svelte|sql|graphql|xml|svg|env|lock|ini|cfg)$/i;

type Step<T> = { ok: true; value: T } | Rejection;

function ownedList(filesOwned: readonly string[]): string {
  const shown = filesOwned.slice(0, 12).join(", ");
  return filesOwned.length > 12 ? `${shown}, …` : shown;
}

function pathProblem(r: ResolvedPath, filesOwned: readonly string[]): Rejection | null {
  if (r.kind === "outside") {
    return reject("outside_workspace", `${quote(r.raw)} is outside the workspace. Paths are relative to the project root and you may only edit: ${ownedList(filesOwned)}.`);
  }
  if (r.kind === "not_owned") {
    if (r.candidates.length > 1) {
      return reject("not_owned", `${quote(r.raw)} could mean ${r.candidates.join(" or ")}. Write the full path as listed: ${ownedList(filesOwned)}.`);
    }
    return reject("not_owned", `${quote(r.raw)} is not one of your files. You may only edit: ${ownedList(filesOwned)}. Do not change other files.`);
  }
  return null;
}

function collectDiffs(sources: readonly DiffSource[], input: PlanEditInput): Step<FilePlan[]> {
  const plans = new Map<string, FilePlan>();
  let lastPath: string | null = null;
  let sawAnything = false;
  for (const src of sources) {
    const lexed = lexDiff(src.text, { fenced: src.fenced, allowHeaderless: src.allowHeaderless });
    const last = lexed[lexed.length - 1]?.hunks.at(-1);
    if (src.unclosed && last && last.oldCount !== null && last.newCount !== null) {
      const oldHave = last.lines.filter((l) => l.op !== "+").length;
      const newHave = last.lines.filter((l) => l.op !== "-").length;
      if (oldHave < last.oldCount || newHave < last.newCount) {
        return reject(
          "parse_error",
          `Your reply was cut off: the last diff block never closes and its last hunk has ${oldHave}/${newHave} of the ${last.oldCount}/${last.newCount} old/new lines its @@ header announces. Send a shorter diff that fits in one reply.`,
        );
      }
    }
    for (const lf of lexed) {
      sawAnything = true;
      let rOld: ResolvedPath | undefined;
      let rNew: ResolvedPath | undefined;
      if (lf.oldPath === undefined && lf.newPath === undefined) {
        const fallback: string | null = src.label ?? lastPath ?? (input.filesOwned.length === 1 ? input.filesOwned[0]! : null);
        if (fallback === null) {
          return reject(
            "parse_error",
            `The diff has hunks without a file header, and you own several files. Start each file's part with "--- a/<path>" and "+++ b/<path>" lines (your files: ${ownedList(input.filesOwned)}).`,
          );
        }
        rOld = rNew = resolvePath(fallback, input.filesOwned);
      } else {
        rOld = resolvePath(lf.oldPath ?? lf.newPath!, input.filesOwned);
        rNew = resolvePath(lf.newPath ?? lf.oldPath!, input.filesOwned);
      }
      for (const r of [rOld, rNew]) if (r.kind === "outside") return pathProblem(r, input.filesOwned)!;
      for (const r of [rOld, rNew]) {
        const p = pathProblem(r, input.filesOwned);
        if (p) return p;
      }
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
      lastPath = path;
      const existing = plans.get(path);
      if (existing) {
        if (existing.kind !== kind) {
          return reject("parse_error", `${path} appears twice in the diff with different headers (one creates or deletes it). Send one part per file.`);
        }
        existing.hunks.push(...lf.hunks);
      } else {
        plans.set(path, { path, kind, hunks: [...lf.hunks], before: input.current.get(path) ?? null });
      }
    }
  }
  if (!sawAnything) {
    return reject(
      "parse_error",
      `I found a diff block but no hunk in it. Each change needs "--- a/<path>", "+++ b/<path>", an "@@ ... @@" line, then lines starting with " " (unchanged), "-" (removed) or "+" (added).`,
    );
  }
  for (const plan of plans.values()) {
    if (plan.kind === "modify" && plan.before === null && plan.hunks.every((h) => h.lines.every((l) => l.op === "+"))) {
      plan.kind = "create";
    }
  }
  return { ok: true, value: [...plans.values()] };
}

function diffSize(plans: readonly FilePlan[]): number {
  let n = 0;
  for (const p of plans) for (const h of p.hunks) for (const l of h.lines) if (l.op !== " ") n++;
  return n;
}

function checkElision(plans: readonly FilePlan[]): Rejection | null {
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

function eolOf(content: string | null): "\n" | "\r\n" {
  return content === null ? "\n" : splitFile(content).eol;
}

/** Keep the file's own final newline (or lack of one) unless the diff explicitly changed it. */
function keepFinalNewline(before: string | null, after: string | null, explicit: boolean): string | null {
  if (before === null || after === null || after === "" || explicit) return after;
  const had = splitFile(before).finalNewline || before === "";
  const has = after.endsWith("\n");
  if (had === has) return after;
  if (had) return after + eolOf(before);
  return after.endsWith("\r\n") ? after.slice(0, -2) : after.slice(0, -1);
}

/**
 * A hunk that only adds lines to a non-empty file quotes nothing to check its place against: the
 * header's line number is all there is, and a small model's line numbers are guesses.
 */
function unanchored(plans: readonly FilePlan[]): Rejection | null {
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
    return reject(
      "hunk_ambiguous",
      `${name} only adds lines and quotes no existing line, so there is no way to tell where they go. Include 2-3 unchanged lines from ${p.path} before and after the added lines (prefixed with a space).`,
    );
  }
  return null;
}

async function applyDiffs(plans: FilePlan[], input: PlanEditInput): Promise<Step<{ changes: FileChange[]; strategy: EditStrategy }>> {
  const normalised = renderStrictDiff(plans);
  try {
    checkParses(normalised, plans.length);
  } catch (e) {
    return reject("parse_error", `The diff could not be read (${(e as Error).message}). Send a plain unified diff: ---/+++ headers, @@ lines, and " ", "-", "+" lines.`);
  }
  const files = new Map(plans.map((p) => [p.path, p.before] as const));
  // Strict means "as written": a hunk without a line number has no place patch could check.
  const numbered = plans.every((p) => p.kind === "create" || p.hunks.every((h) => h.oldStart !== null));
  const strict = numbered ? await (input.applyStrict ?? patchApplier)(normalised, files) : null;
  const fits = (p: FilePlan) => strict !== null && strict.has(p.path) && (strict.get(p.path) === null) === (p.kind === "delete");
  if (strict !== null && plans.every(fits)) {
    const changes = plans.map((p) => {
      const explicit = p.hunks.some((h) => h.noNewlineNew || h.noNewlineOld);
      return { path: p.path, before: p.before, after: keepFinalNewline(p.before, strict.get(p.path)!, explicit) };
    });
    return { ok: true, value: { changes, strategy: "strict" } };
  }
  const changes: FileChange[] = [];
  for (const p of plans) {
    const r = applyTolerant(p.path, p.before, p.hunks, p.kind);
    if (!r.ok) return r;
    changes.push({ path: p.path, before: p.before, after: r.after });
  }
  return { ok: true, value: { changes, strategy: "tolerant" } };
}

function wholeFileChange(src: WholeFileSource, path: string, input: PlanEditInput): Step<FileChange> {
  const before = input.current.get(path) ?? null;
  const oldCount = countLines(before);
  if (before !== null && oldCount > WHOLE_FILE_MAX_LINES) {
    return reject(
      "too_large",
      `${path} has ${oldCount} lines; whole-file answers are only accepted for files up to ${WHOLE_FILE_MAX_LINES} lines. Send a unified diff (--- a/${path}, +++ b/${path}, @@ hunks) that changes only what is needed.`,
    );
  }
  if (src.unclosed) {
    return reject(
      "parse_error",
      `Your reply was cut off in the middle of the file ${path} (its code block never closes), so it cannot be used as the whole file. ${before !== null && oldCount > 40 ? "Send a unified diff of just the change instead." : "Send it again, complete, or as a unified diff."}`,
    );
  }
  const newLines = textLines(src.content);
  const eol = eolOf(before);
  let after = newLines.join(eol);
  const finalNewline = before === null || before === "" || splitFile(before).finalNewline;
  if (newLines.length > 0 && finalNewline) after += eol;

  // Placeholders that stand in for code the rewrite drops.
  const oldLines = before === null ? [] : textLines(before);
  const oldSet = new Set(oldLines.map(squash));
  const newSet = new Set(newLines.map(squash));
  const placeholders = newLines.filter((l) => isPlaceholder(l) && !oldSet.has(squash(l)));
  const lost = oldLines.filter((l) => l.trim() !== "" && !isPlaceholder(l) && !newSet.has(squash(l)));
  if (placeholders.length > 0 && lost.length > 0) {
    return reject(
      "elision",
      `Your full version of ${path} contains the placeholder ${quote(placeholders[0]!.trim())} and drops ${lost.length} line(s) of the current file (first: ${quote(lost[0]!.trim())}). A whole-file answer must contain the complete file with every line written out; or send a unified diff of just the change.`,
    );
  }
  const oldReal = oldLines.filter((l) => l.trim() !== "").length;
  const newReal = newLines.filter((l) => l.trim() !== "");
  if (oldReal >= FRAGMENT_MIN_OLD_LINES && newReal.length < oldReal * FRAGMENT_RATIO) {
    return reject(
      "elision",
      `The block labelled ${path} has ${newReal.length} non-blank lines but the file has ${oldReal}: it looks like a fragment, and as a whole file it would delete the rest. Send a unified diff for the change, or the complete file.`,
    );
  }
  return { ok: true, value: { path, before, after } };
}

function noDiff(input: PlanEditInput): Rejection {
  return reject(
    "no_diff",
    `I found no edit in your reply. Answer with a unified diff in a \`\`\`diff block (--- a/<path>, +++ b/<path>, @@ hunks), or the complete new content of a file (up to ${WHOLE_FILE_MAX_LINES} lines) in a fenced block whose info string is its path, e.g. \`\`\`ts ${input.filesOwned[0] ?? "src/file.ts"}. Your files: ${ownedList(input.filesOwned)}.`,
  );
}

export async function planEdit(input: PlanEditInput): Promise<EditPlan> {
  const { diffs, wholeFiles } = extractEdits(input.reply);
  if (diffs.length === 0 && wholeFiles.length === 0) return noDiff(input);

  let plans: FilePlan[] = [];
  if (diffs.length > 0) {
    const collected = collectDiffs(diffs, input);
    if (!collected.ok) return collected;
    plans = collected.value;
  }

  // Whole files, for files the diff does not touch. Next to a diff, a labelled block naming a
  // file we do not own is taken as an illustration, not an edit.
  const whole: { src: WholeFileSource; path: string }[] = [];
  for (const src of wholeFiles) {
    const r = resolvePath(src.label, input.filesOwned);
    if (r.kind !== "owned") {
      if (diffs.length > 0) continue;
      // "e.g" or "Fig.1" on the line before a fence is prose, not an attempt to write a file.
      if (r.kind === "not_owned" && !src.label.includes("/") && !CODE_FILE.test(src.label)) continue;
      const problem = pathProblem(r, input.filesOwned);
      if (problem) return problem;
      continue;
    }
    if (plans.some((p) => p.path === r.path) || whole.some((w) => w.path === r.path)) continue;
    whole.push({ src, path: r.path });
  }

  if (plans.length === 0 && whole.length === 0) return noDiff(input);

  const size = diffSize(plans);
  if (size > input.maxLines) {
    return reject(
      "too_large",
      `The diff adds/removes ${size} lines; the limit is ${input.maxLines}. Make the smallest change that does the task: change only the lines that need it and do not reformat or move code.`,
    );
  }
  const elision = checkElision(plans);
  if (elision) return elision;
  const loose = unanchored(plans);
  if (loose) return loose;

  // Whole files first: their checks are cheap and need no process.
  const wholeChanges: FileChange[] = [];
  for (const w of whole) {
    const c = wholeFileChange(w.src, w.path, input);
    if (!c.ok) return c;
    wholeChanges.push(c.value);
  }

  const changes: FileChange[] = [];
  let strategy: EditStrategy = "strict";
  if (plans.length > 0) {
    if (size === 0 && plans.every((p) => p.kind === "modify")) {
      return reject("no_change", `The diff has no "+" or "-" lines, so it changes nothing. Mark removed lines with "-" and added lines with "+".`);
    }
    const applied = await applyDiffs(plans, input);
    if (!applied.ok) return applied;
    changes.push(...applied.value.changes);
    strategy = applied.value.strategy;
  }
  if (wholeChanges.length > 0) {
    changes.push(...wholeChanges);
    strategy = "whole-file";
  }

  const real = changes.filter((c) => c.before !== c.after);
  if (real.length === 0) {
    return reject(
      "no_change",
      `Your edit leaves ${changes.map((c) => c.path).join(", ")} exactly as they are (the change may already be in the file). Look at the current content again and change what the task needs.`,
    );
  }
  const { diff, linesChanged } = renderChanges(real);
  if (linesChanged > input.maxLines) {
    return reject(
      "too_large",
      `The edit changes ${linesChanged} lines (added + removed); the limit is ${input.maxLines}. Change only the lines the task needs${strategy === "whole-file" ? " and send a unified diff rather than the whole file" : ""}.`,
    );
  }
  return { ok: true, strategy, changes: real, diff, linesChanged };
}
