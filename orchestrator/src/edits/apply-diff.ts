// Applying the file plans of a diff: strict first (GNU patch on the normalised diff, exactly as
// written), and when patch refuses or cannot check any file, the tolerant applier for them all.
import { reject, type EditStrategy, type FileChange, type Rejection, type StrictApplier, type Step } from "./contract.ts";
import type { FilePlan } from "./diff-files.ts";
import { checkParses, renderStrictDiff } from "./normalise.ts";
import { eolOf, splitFile } from "./text.ts";
import { applyTolerant } from "./tolerant.ts";

interface AppliedDiff {
  changes: FileChange[];
  strategy: EditStrategy;
}

export async function applyDiff(plans: readonly FilePlan[], applyStrict: StrictApplier): Promise<Step<AppliedDiff>> {
  const normalised = renderStrictDiff(plans);
  const unreadable = unreadableRefusal(normalised, plans.length);
  if (unreadable) return unreadable;
  const strict = await applyStrictly(plans, normalised, applyStrict);
  if (strict) return { ok: true, value: { changes: strict, strategy: "strict" } };
  return applyTolerantly(plans);
}

function unreadableRefusal(normalised: string, files: number): Rejection | null {
  try {
    checkParses(normalised, files);
    return null;
  } catch (e) {
    return reject("parse_error", `The diff could not be read (${(e as Error).message}). Send a plain unified diff: ---/+++ headers, @@ lines, and " ", "-", "+" lines.`);
  }
}

/** The changes patch makes, or null when it refuses, or does not create or delete what the plan says. */
async function applyStrictly(plans: readonly FilePlan[], normalised: string, applyStrict: StrictApplier): Promise<FileChange[] | null> {
  // Strict means "as written": a hunk without a line number has no place patch could check.
  const numbered = plans.every((p) => p.kind === "create" || p.hunks.every((h) => h.oldStart !== null));
  if (!numbered) return null;
  const strict = await applyStrict(normalised, new Map(plans.map((p) => [p.path, p.before] as const)));
  const fits = (p: FilePlan) => strict !== null && strict.has(p.path) && (strict.get(p.path) === null) === (p.kind === "delete");
  if (strict === null || !plans.every(fits)) return null;
  return plans.map((p) => {
    const explicit = p.hunks.some((h) => h.noNewlineNew || h.noNewlineOld);
    return { path: p.path, before: p.before, after: keepFinalNewline(p.before, strict.get(p.path)!, explicit) };
  });
}

function applyTolerantly(plans: readonly FilePlan[]): Step<AppliedDiff> {
  const changes: FileChange[] = [];
  for (const p of plans) {
    const r = applyTolerant(p.path, p.before, p.hunks, p.kind);
    if (!r.ok) return r;
    changes.push({ path: p.path, before: p.before, after: r.after });
  }
  return { ok: true, value: { changes, strategy: "tolerant" } };
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
