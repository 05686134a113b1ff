// One file shown in part: the outline entries and the line ranges a level shows of it.
import type { LineRange } from "../../core/types.ts";
import type { Declaration } from "../../source/outline.ts";
import { findPoints } from "./points.ts";
import { selectOutline, selectRegions, type ExcerptLevel } from "./regions.ts";
import type { Terms } from "./terms.ts";

export interface FileExcerpt {
  /** Outline entries shown, and how many were left out. */
  outline: Declaration[];
  outlineLeft: number;
  /** The lines shown, sorted and apart. */
  regions: LineRange[];
  totalLines: number;
}

export interface ExcerptSource {
  content: string;
  /** Null when the file has no outline (not code, or a parse that found nothing). */
  outline: readonly Declaration[] | null;
  terms: Terms;
  errorLines: readonly number[];
  focus: readonly LineRange[];
  /** First lines to show (points.ts). */
  head?: number;
}

export function excerptFile(src: ExcerptSource, level: ExcerptLevel): FileExcerpt {
  const lines = fileLines(src.content);
  const outline = src.outline ?? [];
  const points = findPoints({ terms: src.terms, lines, outline, errorLines: src.errorLines, focus: src.focus, head: src.head }, level.perTerm);
  const { entries, left } = selectOutline(outline, level);
  return { outline: entries, outlineLeft: left, regions: selectRegions(points, outline, lines.length, level), totalLines: lines.length };
}

/** The lines of a file without their terminators (a final newline does not start another line). */
export function fileLines(content: string): string[] {
  if (content === "") return [];
  const lines = content.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
