// From the points of a file to the excerpt shown of it, at one of a few levels of detail: the
// first level shows whole declarations and generous context, the last only the top points with a
// couple of lines around them. The budget picks the most detailed level that fits.
import type { LineRange } from "../../core/types.ts";
import type { Declaration } from "../../source/outline.ts";
import type { Point } from "./points.ts";

export interface ExcerptLevel {
  /** Lines shown before and after a point. */
  context: number;
  /** A named or enclosing declaration up to this many lines is shown whole (0: never). */
  wholeDeclaration: number;
  /** Points of a lower priority than this are left out. */
  maxPriority: number;
  /** Occurrences of one term that are shown. */
  perTerm: number;
  /** Places shown at most, by priority; the imports and the end of the file come on top. */
  maxPoints: number;
  /** Outline entries down to this depth, at most `outlineEntries` of them. */
  outlineDepth: number;
  outlineEntries: number;
}

export const EXCERPT_LEVELS: readonly ExcerptLevel[] = [
  { context: 12, wholeDeclaration: 150, maxPriority: 4, perTerm: 8, maxPoints: 40, outlineDepth: 2, outlineEntries: 400 },
  { context: 6, wholeDeclaration: 80, maxPriority: 3, perTerm: 5, maxPoints: 20, outlineDepth: 1, outlineEntries: 200 },
  { context: 3, wholeDeclaration: 40, maxPriority: 2, perTerm: 3, maxPoints: 10, outlineDepth: 1, outlineEntries: 120 },
  { context: 2, wholeDeclaration: 0, maxPriority: 1, perTerm: 2, maxPoints: 6, outlineDepth: 0, outlineEntries: 60 },
];

/** Excerpts closer than this many lines are shown as one: a short "not shown" gap costs more than it saves. */
const MERGE_GAP = 4;

export function selectRegions(points: readonly Point[], outline: readonly Declaration[], totalLines: number, level: ExcerptLevel): LineRange[] {
  const admitted = points.filter((p) => p.priority <= level.maxPriority);
  // The imports and the end are a few lines each, and where new code goes: many places of a higher
  // priority (say fifty baseline errors) must not crowd them out, so they do not count as places.
  const places = admitted
    .filter((p) => p.priority < 3)
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.priority - b.p.priority || a.i - b.i)
    .slice(0, level.maxPoints)
    .map(({ p }) => p);
  const kept = [...places, ...admitted.filter((p) => p.priority >= 3)];
  const ranges = kept.map((p) => regionOf(p, outline, level)).map((r) => clamp(r, totalLines));
  return mergeRanges(ranges, MERGE_GAP);
}

function regionOf(p: Point, outline: readonly Declaration[], level: ExcerptLevel): LineRange {
  // The imports and the end of the file are shown as they are: room for a new import or new code.
  if (p.priority >= 3) return p.range;
  const decl = p.decl ?? (level.wholeDeclaration > 0 ? innermost(outline, p.range) : undefined);
  if (decl && decl.endLine - decl.line + 1 <= level.wholeDeclaration) {
    return { start: Math.min(decl.line - 1, p.range.start), end: Math.max(decl.endLine + 1, p.range.end) };
  }
  return { start: p.range.start - level.context, end: p.range.end + level.context };
}

/** The smallest declaration that contains the range (a member before its class). */
function innermost(outline: readonly Declaration[], r: LineRange): Declaration | undefined {
  let best: Declaration | undefined;
  for (const d of outline) {
    if (d.kind === "imports" || d.line > r.start || d.endLine < r.end) continue;
    if (!best || d.endLine - d.line < best.endLine - best.line) best = d;
  }
  return best;
}

function clamp(r: LineRange, totalLines: number): LineRange {
  return { start: Math.max(1, Math.min(r.start, totalLines)), end: Math.max(1, Math.min(r.end, totalLines)) };
}

/** Sorted, with ranges that overlap or lie within `gap` lines of each other joined. */
export function mergeRanges(ranges: readonly LineRange[], gap = 0): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end + gap + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** The outline entries a level shows: the shallowest depths first, so a long outline keeps its top level. */
export function selectOutline(outline: readonly Declaration[], level: ExcerptLevel): { entries: Declaration[]; left: number } {
  let depth = level.outlineDepth;
  let entries = outline.filter((d) => d.depth <= depth);
  while (entries.length > level.outlineEntries && depth > 0) {
    depth--;
    entries = outline.filter((d) => d.depth <= depth);
  }
  const shown = entries.slice(0, level.outlineEntries);
  return { entries: shown, left: outline.length - shown.length };
}
