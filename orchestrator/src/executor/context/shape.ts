// Fits the context block into the tokens the prompt has left for it. The facts go first (a few
// lines that decide whether code compiles here), then the read-only files (the user chose them;
// one too big is shown as its outline and excerpts, around what the description names), then the
// imported declarations: those the owned files import by name first, then the rest of each
// module. Whatever does not fit is named in a last part, so the model knows it is not seeing
// everything.
import { MIN_EXCERPT_LINES } from "../budget.ts";
import { excerptFile } from "../excerpts/excerpt.ts";
import { EXCERPT_LEVELS } from "../excerpts/regions.ts";
import type { Terms } from "../excerpts/terms.ts";
import type { PromptPart } from "../prompt.ts";
import type { CountText } from "../tokens/qwen.ts";
import {
  readOnlyLines,
  renderFacts,
  renderImports,
  renderLeftOut,
  renderModule,
  renderReadOnly,
  type ContextBlock,
  type ReadOnlyFile,
  type ShownModule,
  type ShownReadOnly,
} from "./block.ts";
import type { ShownDeclaration } from "./imports.ts";

export interface ShapedContext {
  /** The prompt's context parts, in order. */
  parts: PromptPart[];
  /** What was left out or shown in part, as the last part says. */
  leftOut: string[];
}

export const NO_CONTEXT: ShapedContext = { parts: [], leftOut: [] };

/** How the shaping reads the task: its description's terms centre a read-only file's excerpts. */
export interface ShapeInput {
  block: ContextBlock;
  terms: Terms;
  count: CountText;
}

/** A read-only file shown in part also shows its first lines: they say what the file is. */
const READ_ONLY_HEAD = 20;

/** The block within `room` tokens, the note on what was left out included. */
export function shapeContext(input: ShapeInput, room: number): ShapedContext {
  const { count } = input;
  let within = room;
  // Shaping to less room leaves more out and makes the note longer: a few rounds settle it.
  for (let round = 0; round < 6 && within > 0; round++) {
    const shaped = shapeWithin(input, within);
    const total = shaped.parts.reduce((n, p) => n + count(p.text), 0);
    if (total <= room) return shaped;
    within -= total - room;
  }
  const bare = shapeWithin(input, 0);
  return bare.parts.length > 0 && count(bare.parts[0]!.text) <= room ? bare : NO_CONTEXT;
}

function shapeWithin(input: ShapeInput, room: number): ShapedContext {
  const { block, count } = input;
  const leftOut = [...block.problems];
  const parts: PromptPart[] = [];
  let left = room;
  const add = (kind: PromptPart["kind"], text: string) => {
    parts.push({ kind, text });
    left -= count(text);
  };

  const facts = takeFacts(block.facts, left, count);
  if (facts.length < block.facts.length) leftOut.push(`${block.facts.length - facts.length} of ${block.facts.length} project facts (no room)`);
  if (facts.length > 0) add("facts", renderFacts(facts));

  const files = takeReadOnly(input, left, leftOut);
  if (files.length > 0) add("readOnly", renderReadOnly(files));

  const modules = takeDeclarations(block, left, count);
  for (const m of modules) {
    const hidden = m.module.declarations.length - m.declarations.length;
    if (m.declarations.length === 0) leftOut.push(`${m.module.path}: its declarations (${m.module.via.join("; ")}; no room)`);
    else if (hidden > 0) leftOut.push(`${m.module.path}: ${hidden} of ${m.module.declarations.length} declarations (no room)`);
  }
  const shownModules = modules.filter((m) => m.declarations.length > 0);
  if (shownModules.length > 0) add("imports", renderImports(shownModules));
  if (leftOut.length > 0) add("leftOut", renderLeftOut(leftOut));
  return { parts, leftOut };
}

function takeFacts(lines: readonly string[], room: number, count: CountText): string[] {
  for (let n = lines.length; n > 0; n--) if (count(renderFacts(lines.slice(0, n))) <= room) return lines.slice(0, n);
  return [];
}

/** Each read-only file whole when it fits, else at the most detailed level of excerpts that does, else left out. */
function takeReadOnly(input: ShapeInput, room: number, leftOut: string[]): ShownReadOnly[] {
  const shown: ShownReadOnly[] = [];
  const fits = (f: ShownReadOnly) => input.count(renderReadOnly([...shown, f])) <= room;
  for (const f of input.block.readOnly) {
    const whole: ShownReadOnly = { path: f.path, content: f.content, lines: readOnlyLines(f) };
    if (fits(whole)) {
      shown.push(whole);
      continue;
    }
    // Short files are shown whole or not at all, as owned files are.
    const part = whole.lines >= MIN_EXCERPT_LINES ? excerptWithin(f, whole, input, fits) : null;
    if (part) {
      shown.push(part);
      const lines = part.excerpt!.regions.reduce((n, r) => n + r.end - r.start + 1, 0);
      leftOut.push(`${f.path}: shown in part, ${lines} of its ${whole.lines} lines (no room for the rest)`);
    } else {
      leftOut.push(`${f.path} (read-only, ${whole.lines} lines; no room)`);
    }
  }
  return shown;
}

function excerptWithin(f: ReadOnlyFile, whole: ShownReadOnly, input: ShapeInput, fits: (f: ShownReadOnly) => boolean): ShownReadOnly | null {
  const source = { content: f.content, outline: f.outline, terms: input.terms, errorLines: [], focus: [], head: READ_ONLY_HEAD };
  for (const level of EXCERPT_LEVELS) {
    const part = { ...whole, excerpt: excerptFile(source, level) };
    if (fits(part)) return part;
  }
  return null;
}

/**
 * The declarations to show, module by module. Costs are added up per declaration (the section's
 * and each module's frame once), which is close enough: shapeContext checks the rendered total.
 */
function takeDeclarations(block: ContextBlock, room: number, count: CountText): ShownModule[] {
  const modules: ShownModule[] = block.imports.map((module) => ({ module, declarations: [] }));
  if (modules.length === 0) return modules;
  const chosen = modules.map(() => new Set<ShownDeclaration>());
  let left = room - count(renderImports([]));
  const framed = new Set<number>();
  const order = [
    ...modules.flatMap((m, i) => m.module.declarations.filter((d) => d.wanted).map((d) => [i, d] as const)),
    ...modules.flatMap((m, i) => m.module.declarations.filter((d) => !d.wanted).map((d) => [i, d] as const)),
  ];
  for (const [i, d] of order) {
    const frame = framed.has(i) ? 0 : count(renderModule({ module: modules[i]!.module, declarations: [] })) + 2;
    const need = frame + count(`${d.text}\n`) + (d.file !== modules[i]!.module.path ? 12 : 0);
    if (need > left) continue;
    left -= need;
    framed.add(i);
    chosen[i]!.add(d);
  }
  // In each module's own order, whatever order they were chosen in.
  return modules.map((m, i) => ({ module: m.module, declarations: m.module.declarations.filter((d) => chosen[i]!.has(d)) }));
}
