// The context block: what the model is shown about the workspace besides the files it owns, and
// how each part is written into the prompt. Three sections, in this order: the project facts,
// the read-only files (filesRead), and the declarations of what the owned files import. A last
// section says what was left out for lack of room, or could not be read.
import type { Declaration } from "../../source/outline.ts";
import type { FileExcerpt } from "../excerpts/excerpt.ts";
import { excerptBody, excerptSeen } from "../excerpts/render.ts";
import { countLines, fence, languageOf } from "../prompt.ts";
import type { ImportedModule, ShownDeclaration } from "./imports.ts";

export interface ReadOnlyFile {
  path: string;
  content: string;
  /** Its outline (source/outline.ts), read for a file long enough to be shown in part; null when it has none or is short. */
  outline: readonly Declaration[] | null;
}

export interface ContextBlock {
  facts: string[];
  readOnly: ReadOnlyFile[];
  imports: ImportedModule[];
  /** What could not be gathered ("src/x.ts: could not be read (EACCES)"), said in the prompt. */
  problems: string[];
}

export const EMPTY_CONTEXT: ContextBlock = { facts: [], readOnly: [], imports: [], problems: [] };

export function renderFacts(lines: readonly string[]): string {
  return [
    "## Project facts",
    "Read from this workspace (package.json, tsconfig, node_modules). Write code that holds with them.",
    ...lines.map((l) => `- ${l}`),
  ].join("\n");
}

/** A read-only file as shown: whole, or, when it is too big for the room, as its outline and excerpts. */
export interface ShownReadOnly {
  path: string;
  content: string;
  /** Lines of the whole file. */
  lines: number;
  excerpt?: FileExcerpt;
}

export function renderReadOnly(files: readonly ShownReadOnly[]): string {
  const head = "## Read-only files\nShown so you can use what they hold. You may not change them: an edit to one of them is refused.";
  return [head, ...files.map(renderReadOnlyFile)].join("\n\n");
}

export function renderReadOnlyFile(f: ShownReadOnly): string {
  const size = `${f.lines} line${f.lines === 1 ? "" : "s"}`;
  if (!f.excerpt) return `### ${f.path} (read-only, ${size})\n${fence(f.content, languageOf(f.path))}`;
  return [
    `### ${f.path} (read-only, ${size}, shown in part)`,
    `${f.path} is too big to show whole here, so you see ${excerptSeen(f.excerpt)}.`,
    ...excerptBody(f.path, f.content, f.excerpt, { fence, language: languageOf(f.path) }),
  ].join("\n\n");
}

export function readOnlyLines(f: ReadOnlyFile): number {
  return countLines(f.content);
}

/** A module with the declarations chosen to show (all, or the ones that fit). */
export interface ShownModule {
  module: ImportedModule;
  declarations: ShownDeclaration[];
}

export function renderImports(modules: readonly ShownModule[]): string {
  const head =
    "## What your files import\nThe exported declarations of the workspace modules your files import (bodies left out). They are read-only: use them as they are declared.";
  return [head, ...modules.map(renderModule)].join("\n\n");
}

export function renderModule({ module, declarations }: ShownModule): string {
  const body: string[] = [];
  let file = module.path;
  for (const d of declarations) {
    // A barrel's declarations live in the files it re-exports: say where each group comes from.
    if (d.file !== file) body.push(`// from ${d.file}`);
    file = d.file;
    body.push(d.text);
  }
  const hidden = module.declarations.length - declarations.length;
  const more = hidden > 0 ? `\n[... ${hidden} more declaration${hidden === 1 ? "" : "s"} not shown: no room ...]` : "";
  const shown = body.length > 0 ? body.join("\n") : "// (no exported declarations)";
  return `### ${module.path}\n${module.via.join("; ")}\n${fence(shown, languageOf(module.path))}${more}`;
}

export function renderLeftOut(items: readonly string[]): string {
  return ["## Not shown", ...items.map((i) => `- ${i}`)].join("\n");
}
