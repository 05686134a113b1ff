// Writing diffs back out: the normalised diff handed to `patch` (recounted headers, a/ b/
// prefixes, resolved owned paths, the target file's own line endings), and the final diff of
// the computed changes that goes into logs and the next prompt.
import { FILE_HEADERS_ONLY, formatPatch, parsePatch, structuredPatch } from "diff";
import type { FileChange } from "./contract.ts";
import type { FilePlan } from "./diff-files.ts";
import { sideCounts } from "./lex.ts";

const NO_NL = "\\ No newline at end of file";

export function renderStrictDiff(files: readonly FilePlan[]): string {
  let out = "";
  for (const f of files) {
    const eol = f.before !== null && f.before.includes("\r\n") ? "\r\n" : "\n";
    out += `--- ${f.kind === "create" ? "/dev/null" : `a/${f.path}`}\n`;
    out += `+++ ${f.kind === "delete" ? "/dev/null" : `b/${f.path}`}\n`;
    const hunks = [...f.hunks];
    if (hunks.every((h) => h.oldStart !== null)) hunks.sort((a, b) => a.oldStart! - b.oldStart!);
    let delta = 0;
    for (const h of hunks) {
      const { old: oldCount, new: newCount } = sideCounts(h.lines);
      // Missing line numbers: 1 is as good as any guess; patch reports the offset and is refused.
      let oldStart = f.kind === "create" ? 0 : (h.oldStart ?? 1);
      if (oldCount === 0 && f.kind !== "create") oldStart = Math.max(0, oldStart - 1);
      if (oldCount > 0 && oldStart === 0) oldStart = 1;
      const newStart = f.kind === "delete" ? 0 : newCount === 0 ? Math.max(0, oldStart + delta - 1) : Math.max(1, oldStart + delta + (oldCount === 0 ? 1 : 0));
      delta += newCount - oldCount;
      out += `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n`;
      // The marker follows the last line of its side.
      let lastOld = -1;
      let lastNew = -1;
      h.lines.forEach((l, i) => {
        if (l.op !== "+") lastOld = i;
        if (l.op !== "-") lastNew = i;
      });
      h.lines.forEach((l, i) => {
        out += `${l.op}${l.text}${eol}`;
        const markOld = h.noNewlineOld && i === lastOld;
        const markNew = h.noNewlineNew && i === lastNew;
        if (markOld || markNew) out += `${NO_NL}\n`;
      });
    }
  }
  return out;
}

/** Throws when jsdiff cannot read back what we wrote (a bug on our side, or unrepresentable input). */
export function checkParses(diff: string, expectedFiles: number): void {
  const parsed = parsePatch(diff);
  if (parsed.length !== expectedFiles) throw new Error(`jsdiff read ${parsed.length} files, expected ${expectedFiles}`);
}

export function renderChanges(changes: readonly FileChange[]): { diff: string; linesChanged: number } {
  let diff = "";
  let linesChanged = 0;
  for (const c of changes) {
    const patch = structuredPatch(
      c.before === null ? "/dev/null" : `a/${c.path}`,
      c.after === null ? "/dev/null" : `b/${c.path}`,
      c.before ?? "",
      c.after ?? "",
      undefined,
      undefined,
      { context: 3 },
    );
    if (patch.hunks.length === 0) continue;
    for (const h of patch.hunks) for (const l of h.lines) if (l[0] === "+" || l[0] === "-") linesChanged++;
    diff += formatPatch(patch, FILE_HEADERS_ONLY);
  }
  return { diff, linesChanged };
}
