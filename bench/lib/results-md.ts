// bench/RESULTS.md holds one "## <heading>" section per bench. A bench rewrites only its own
// section, so the other benches' records (and text written by hand) stay as they are.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export const RESULTS_FILE = path.resolve(import.meta.dir, "..", "RESULTS.md");

const EMPTY_RESULTS = "# Benchmark results\n";

export interface Markers {
  begin: string;
  end: string;
}

/** Where a section starts, and where the next one does ("\n## ", -1 when it is the last). */
function locate(text: string, heading: string): { start: number; next: number } | null {
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) return null;
  return { start, next: text.indexOf("\n## ", start + heading.length) };
}

const append = (text: string, section: string) => `${text.trimEnd()}\n\n${section}`;

/** The whole section becomes `body` under its heading; a missing section goes at the end. */
export function replaceSection(text: string, heading: string, body: string): string {
  const section = `${heading}\n\n${body.trimEnd()}\n`;
  const at = locate(text, heading);
  if (!at) return append(text, section);
  return at.next === -1 ? `${text.slice(0, at.start)}${section}` : `${text.slice(0, at.start)}${section}\n${text.slice(at.next + 1)}`;
}

/**
 * `body` goes between the markers inside the section, keeping any text written around them by
 * hand; a section without the markers gets them at its top, a missing section goes at the end.
 */
export function replaceMarkedBlock(text: string, heading: string, markers: Markers, body: string): string {
  const block = `${markers.begin}\n${body.trim()}\n${markers.end}`;
  const at = locate(text, heading);
  if (!at) return append(text, `${heading}\n\n${block}\n`);
  const end = at.next < 0 ? text.length : at.next + 1;
  const section = text.slice(at.start, end);
  const b = section.indexOf(markers.begin);
  const e = section.indexOf(markers.end);
  const rest = section.slice(heading.length + 1).trim();
  const updated =
    b >= 0 && e > b
      ? `${section.slice(0, b)}${block}${section.slice(e + markers.end.length)}`
      : `${heading}\n\n${block}\n${rest ? `\n${rest}\n` : ""}`;
  return `${text.slice(0, at.start)}${updated.trimEnd()}\n${at.next < 0 ? "" : `\n${text.slice(end)}`}`;
}

/** Reads RESULTS.md (an empty one when it does not exist yet), edits it and writes it back. */
export async function updateResults(edit: (text: string) => string, file = RESULTS_FILE): Promise<void> {
  const text = await readFile(file, "utf8").catch(() => EMPTY_RESULTS);
  await writeFile(file, edit(text));
}
