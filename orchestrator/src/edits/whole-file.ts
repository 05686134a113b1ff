// Whole-file answers: which labelled blocks of a reply are files to write, and the new content of
// each, refused when the file is too long to be rewritten safely, the block was cut off, or the
// rewrite drops code behind a placeholder or is only a fragment of the file.
import { reject, type FileChange, type PlanEditInput, type Rejection, type Step } from "./contract.ts";
import { isPlaceholder } from "./elision.ts";
import type { WholeFileSource } from "./extract.ts";
import { WHOLE_FILE_MAX_LINES } from "./limits.ts";
import { resolvePath } from "./paths.ts";
import { pathProblem } from "./refusals.ts";
import { countLines, eolOf, quote, splitFile, squash, textLines } from "./text.ts";

/**
 * A whole-file answer with fewer than this fraction of the old file's non-blank lines is taken
 * for a fragment (a snippet labelled with the path, or a cut-off reply), not a rewrite: as a
 * whole file it would delete the rest. Deleting most of a file is still possible with a diff.
 */
const FRAGMENT_RATIO = 0.4;
const FRAGMENT_MIN_OLD_LINES = 20;

/** File names that are clearly files when they label a code block. */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|json|css|scss|less|html?|md|mdx|ya?ml|toml|txt|sh|py|go|rs|vue|svelte|sql|graphql|xml|svg|env|lock|ini|cfg)$/i;

interface WholeFileTarget {
  src: WholeFileSource;
  path: string;
}

/**
 * The whole files to write: the first block for each owned file the diff does not touch. Next to
 * a diff, a labelled block naming a file we do not own is taken as an illustration, not an edit.
 */
export function selectWholeFiles(
  sources: readonly WholeFileSource[],
  diffPaths: readonly string[],
  withDiff: boolean,
  filesOwned: readonly string[],
  filesRead: readonly string[] = [],
): Step<WholeFileTarget[]> {
  const whole: WholeFileTarget[] = [];
  for (const src of sources) {
    const r = resolvePath(src.label, filesOwned, filesRead);
    if (r.kind !== "owned") {
      if (withDiff) continue;
      // "e.g" or "Fig.1" on the line before a fence is prose, not an attempt to write a file.
      if (r.kind === "not_owned" && !src.label.includes("/") && !CODE_FILE.test(src.label)) continue;
      const problem = pathProblem(r, filesOwned);
      if (problem) return problem;
      continue;
    }
    if (diffPaths.includes(r.path) || whole.some((w) => w.path === r.path)) continue;
    whole.push({ src, path: r.path });
  }
  return { ok: true, value: whole };
}

export function wholeFileChanges(targets: readonly WholeFileTarget[], current: PlanEditInput["current"]): Step<FileChange[]> {
  const changes: FileChange[] = [];
  for (const { src, path } of targets) {
    const c = wholeFileChange(src, path, current.get(path) ?? null);
    if (!c.ok) return c;
    changes.push(c.value);
  }
  return { ok: true, value: changes };
}

function wholeFileChange(src: WholeFileSource, path: string, before: string | null): Step<FileChange> {
  const unusable = tooLongRefusal(path, before) ?? cutOffRefusal(src, path, before);
  if (unusable) return unusable;
  const newLines = textLines(src.content);
  const oldLines = before === null ? [] : textLines(before);
  const dropped = placeholderRefusal(path, oldLines, newLines) ?? fragmentRefusal(path, oldLines, newLines);
  if (dropped) return dropped;
  return { ok: true, value: { path, before, after: renderWholeFile(newLines, before) } };
}

function tooLongRefusal(path: string, before: string | null): Rejection | null {
  const oldCount = countLines(before);
  if (before === null || oldCount <= WHOLE_FILE_MAX_LINES) return null;
  return reject(
    "too_large",
    `${path} has ${oldCount} lines; whole-file answers are only accepted for files up to ${WHOLE_FILE_MAX_LINES} lines. Send a unified diff (--- a/${path}, +++ b/${path}, @@ hunks) that changes only what is needed.`,
  );
}

function cutOffRefusal(src: WholeFileSource, path: string, before: string | null): Rejection | null {
  if (!src.unclosed) return null;
  return reject(
    "parse_error",
    `Your reply was cut off in the middle of the file ${path} (its code block never closes), so it cannot be used as the whole file. ${before !== null && countLines(before) > 40 ? "Send a unified diff of just the change instead." : "Send it again, complete, or as a unified diff."}`,
  );
}

/** Placeholders that stand in for code the rewrite drops. */
function placeholderRefusal(path: string, oldLines: readonly string[], newLines: readonly string[]): Rejection | null {
  const oldSet = new Set(oldLines.map(squash));
  const newSet = new Set(newLines.map(squash));
  const placeholders = newLines.filter((l) => isPlaceholder(l) && !oldSet.has(squash(l)));
  const lost = oldLines.filter((l) => l.trim() !== "" && !isPlaceholder(l) && !newSet.has(squash(l)));
  if (placeholders.length === 0 || lost.length === 0) return null;
  return reject(
    "elision",
    `Your full version of ${path} contains the placeholder ${quote(placeholders[0]!.trim())} and drops ${lost.length} line(s) of the current file (first: ${quote(lost[0]!.trim())}). A whole-file answer must contain the complete file with every line written out; or send a unified diff of just the change.`,
  );
}

function fragmentRefusal(path: string, oldLines: readonly string[], newLines: readonly string[]): Rejection | null {
  const oldReal = oldLines.filter((l) => l.trim() !== "").length;
  const newReal = newLines.filter((l) => l.trim() !== "");
  if (oldReal < FRAGMENT_MIN_OLD_LINES || newReal.length >= oldReal * FRAGMENT_RATIO) return null;
  return reject(
    "elision",
    `The block labelled ${path} has ${newReal.length} non-blank lines but the file has ${oldReal}: it looks like a fragment, and as a whole file it would delete the rest. Send a unified diff for the change, or the complete file.`,
  );
}

/** The new lines with the old file's line endings and final newline (LF and a final newline for a new file). */
function renderWholeFile(newLines: readonly string[], before: string | null): string {
  const eol = eolOf(before);
  const after = newLines.join(eol);
  const finalNewline = before === null || before === "" || splitFile(before).finalNewline;
  return newLines.length > 0 && finalNewline ? after + eol : after;
}
