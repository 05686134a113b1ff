// How a file shown in part reads in the prompt: what was left out is said in plain words, with
// line numbers, so the model knows which lines it may edit and where its hunks go. An owned file
// and a read-only one (executor/context/block.ts) differ only in what they say above it.
import type { LineRange } from "../../core/types.ts";
import type { FileExcerpt } from "./excerpt.ts";

export interface RenderHelpers {
  fence(body: string, lang: string): string;
  language: string;
}

export function renderExcerpt(file: string, content: string, ex: FileExcerpt, h: RenderHelpers): string {
  return [
    `### ${file} (${ex.totalLines} lines, shown in part)`,
    `${file} is too big to show whole, so you see ${excerptSeen(ex)}. ` +
      `Edit only lines you can see: every unchanged and removed line of a hunk must be copied from one of the excerpts below, and an edit that changes any other line is refused. ` +
      `Answer for this file with a diff; a whole-file answer is not accepted for it.`,
    ...excerptBody(file, content, ex, h),
  ].join("\n\n");
}

/** "its outline and lines 1-30 and 120-160 of its 980 lines; the other lines are left out" */
export function excerptSeen(ex: FileExcerpt): string {
  return ex.regions.length > 0 ? `its outline and ${describeRanges(ex.regions)} of its ${ex.totalLines} lines; the other lines are left out` : `only its outline, none of its ${ex.totalLines} lines`;
}

/** The outline, the excerpts and the gaps between them, as the prompt's paragraphs. */
export function excerptBody(file: string, content: string, ex: FileExcerpt, h: RenderHelpers): string[] {
  const out: string[] = [];
  if (ex.outline.length > 0) {
    const rows = ex.outline.map((d) => `${`${d.line}-${d.endLine}`.padEnd(12)}${"  ".repeat(d.depth)}${d.text}`);
    if (ex.outlineLeft > 0) rows.push(`[... ${ex.outlineLeft} more declaration${ex.outlineLeft === 1 ? "" : "s"} not listed ...]`);
    out.push(`Outline of ${file} (the lines each declaration spans, and its first line):\n${h.fence(rows.join("\n"), "text")}`);
  }
  const source = content.split("\n");
  let next = 1;
  for (const r of ex.regions) {
    if (r.start > next) out.push(notShown(next, r.start - 1));
    out.push(`Lines ${r.start}-${r.end} of ${file}:\n${h.fence(source.slice(r.start - 1, r.end).join("\n"), h.language)}`);
    next = r.end + 1;
  }
  if (next <= ex.totalLines) out.push(notShown(next, ex.totalLines));
  return out;
}

function notShown(from: number, to: number): string {
  return from === to ? `[line ${from} is not shown]` : `[lines ${from}-${to} are not shown]`;
}

/** "lines 1-30, 120-160 and 400-412" */
export function describeRanges(ranges: readonly LineRange[]): string {
  const parts = ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`));
  const list = parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `${ranges.length === 1 && ranges[0]!.start === ranges[0]!.end ? "line" : "lines"} ${list}`;
}
