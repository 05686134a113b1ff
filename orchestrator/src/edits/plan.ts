// planEdit: from a model's reply to the new contents of the owned files, or a refusal written
// for the model. It never writes to the workspace; the caller writes (and restores) files.
//
//   reply ─ extract ─┬─ diff blocks ─ lex ─ resolve paths ─ size ─ elision ─ strict (patch) ─┬─ changes
//                    │                                                      └─ tolerant ────┘
//                    └─ whole files ─ resolve paths ─ size ─ elision ─────────────────────────── changes
//
// extract.ts finds the blocks, diff-files.ts lexes and resolves the diff blocks, diff-checks.ts
// checks them, apply-diff.ts applies them (strict.ts, tolerant.ts); whole-file.ts does the
// whole files. The final size check is on the changes as computed, whichever way they came.
import { reject, type EditPlan, type EditStrategy, type FileChange, type PlanEditInput, type Rejection } from "./contract.ts";
import { applyDiff } from "./apply-diff.ts";
import { diffSize, elisionRefusal, tooLargeRefusal, unanchoredHunkRefusal } from "./diff-checks.ts";
import { collectDiffs, type FilePlan } from "./diff-files.ts";
import { emptyingRefusal } from "./emptying.ts";
import { extractEdits } from "./extract.ts";
import { WHOLE_FILE_MAX_LINES } from "./limits.ts";
import { renderChanges } from "./normalise.ts";
import { ownedList } from "./refusals.ts";
import { unseenRefusal } from "./shown.ts";
import { patchApplier } from "./strict.ts";
import { selectWholeFiles, wholeFileChanges } from "./whole-file.ts";

export async function planEdit(input: PlanEditInput): Promise<EditPlan> {
  const { diffs, wholeFiles } = extractEdits(input.reply);
  if (diffs.length === 0 && wholeFiles.length === 0) return noDiffRefusal(input);

  let plans: FilePlan[] = [];
  if (diffs.length > 0) {
    const collected = collectDiffs(diffs, input);
    if (!collected.ok) return collected;
    plans = collected.value;
  }
  const whole = selectWholeFiles(
    wholeFiles,
    plans.map((p) => p.path),
    diffs.length > 0,
    input.filesOwned,
    input.filesRead,
  );
  if (!whole.ok) return whole;
  if (plans.length === 0 && whole.value.length === 0) return noDiffRefusal(input);
  const partial = whole.value.find((w) => input.shown?.has(w.path));
  if (partial) return partialWholeRefusal(partial.path);

  const size = diffSize(plans);
  const unfit = tooLargeRefusal(size, input.maxLines) ?? elisionRefusal(plans) ?? unanchoredHunkRefusal(plans);
  if (unfit) return unfit;

  // Whole files first: their checks are cheap and need no process.
  const wholeChanges = wholeFileChanges(whole.value, input.current);
  if (!wholeChanges.ok) return wholeChanges;

  let changes: FileChange[] = [];
  let strategy: EditStrategy = "strict";
  if (plans.length > 0) {
    if (size === 0 && plans.every((p) => p.kind === "modify")) {
      return reject("no_change", `The diff has no "+" or "-" lines, so it changes nothing. Mark removed lines with "-" and added lines with "+".`);
    }
    const applied = await applyDiff(plans, input.applyStrict ?? patchApplier);
    if (!applied.ok) return applied;
    changes = [...applied.value.changes];
    strategy = applied.value.strategy;
  }
  if (wholeChanges.value.length > 0) {
    changes.push(...wholeChanges.value);
    strategy = "whole-file";
  }
  // Lines the model was not shown come first: a refusal of anything else would point it at them.
  const unseen = input.shown ? unseenRefusal(changes.filter((c) => c.before !== c.after), input.shown) : null;
  return unseen ?? finishPlan(changes, strategy, input.maxLines, input.description ?? "");
}

function partialWholeRefusal(path: string): Rejection {
  return reject(
    "not_shown",
    `You were shown only parts of ${path}, so a complete new version of it cannot be checked against the lines you did not see. Send a unified diff (--- a/${path}, +++ b/${path}, @@ hunks) that changes only lines you were shown.`,
  );
}

function noDiffRefusal(input: PlanEditInput): Rejection {
  return reject(
    "no_diff",
    `I found no edit in your reply. Answer with a unified diff in a \`\`\`diff block (--- a/<path>, +++ b/<path>, @@ hunks), or the complete new content of a file (up to ${WHOLE_FILE_MAX_LINES} lines) in a fenced block whose info string is its path, e.g. \`\`\`ts ${input.filesOwned[0] ?? "src/file.ts"}. Your files: ${ownedList(input.filesOwned)}.`,
  );
}

/** The plan of the changes that change something, refused when none does, one empties a file unasked, or they are too large. */
function finishPlan(changes: readonly FileChange[], strategy: EditStrategy, maxLines: number, description: string): EditPlan {
  const real = changes.filter((c) => c.before !== c.after);
  if (real.length === 0) {
    return reject(
      "no_change",
      `Your edit leaves ${changes.map((c) => c.path).join(", ")} exactly as they are (the change may already be in the file). Look at the current content again and change what the task needs.`,
    );
  }
  const emptied = emptyingRefusal(real, description);
  if (emptied) return emptied;
  const { diff, linesChanged } = renderChanges(real);
  if (linesChanged > maxLines) {
    return reject(
      "too_large",
      `The edit changes ${linesChanged} lines (added + removed); the limit is ${maxLines}. Change only the lines the task needs${strategy === "whole-file" ? " and send a unified diff rather than the whole file" : ""}.`,
    );
  }
  return { ok: true, strategy, changes: real, diff, linesChanged };
}
