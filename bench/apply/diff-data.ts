// Diffs as data, so they can be perturbed and re-serialised. The clean diff comes from jsdiff
// (`structuredPatch`, 3 lines of context unless told otherwise).
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "../../orchestrator/testing/diff.ts";

export interface DHunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  lines: string[]; // with op char; may include "\ No newline at end of file"
}
export interface DFile {
  oldName: string;
  newName: string;
  hunks: DHunk[];
}

/** jsdiff's patch of one file; null content is a file that does not exist (/dev/null). */
function jsdiffPatch(path: string, before: string | null, after: string | null, context: number) {
  return structuredPatch(
    before === null ? "/dev/null" : `a/${path}`,
    after === null ? "/dev/null" : `b/${path}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context },
  );
}

export function makeDiff(path: string, before: string | null, after: string | null, context = 3): DFile {
  const p = jsdiffPatch(path, before, after, context);
  return {
    oldName: p.oldFileName!,
    newName: p.newFileName!,
    hunks: p.hunks.map((h) => ({ oldStart: h.oldStart, oldCount: h.oldLines, newStart: h.newStart, newCount: h.newLines, lines: [...h.lines] })),
  };
}

export interface RenderOptions {
  header?: (h: DHunk) => string;
  names?: (f: DFile) => [string, string];
}

export function render(files: readonly DFile[], o: RenderOptions = {}): string {
  let out = "";
  for (const f of files) {
    const [a, b] = o.names ? o.names(f) : [f.oldName, f.newName];
    out += `--- ${a}\n+++ ${b}\n`;
    for (const h of f.hunks) {
      out += `${o.header ? o.header(h) : `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@`}\n`;
      for (const l of h.lines) out += `${l}\n`;
    }
  }
  return out;
}

export const clone = (files: readonly DFile[]): DFile[] => files.map((f) => ({ ...f, hunks: f.hunks.map((h) => ({ ...h, lines: [...h.lines] })) }));

/** The clean diff as jsdiff itself formats it, file headers only (not re-rendered from DFile). */
export function cleanText(path: string, before: string | null, after: string | null): string {
  return formatPatch(jsdiffPatch(path, before, after, 3), FILE_HEADERS_ONLY);
}
