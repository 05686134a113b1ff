// Fits the context block into the tokens the prompt has left for it. The facts go first (a few
// lines that decide whether code compiles here), then the read-only files (the user chose them;
// one too big is cut short), then the imported declarations: those the owned files import by
// name first, then the rest of each module. Whatever does not fit is named in a last section,
// so the model knows it is not seeing everything.
import {
  readOnlyLines,
  renderFacts,
  renderImports,
  renderLeftOut,
  renderModule,
  renderReadOnly,
  renderReadOnlyFile,
  type ContextBlock,
  type ShownModule,
  type ShownReadOnly,
} from "./block.ts";
import type { ShownDeclaration } from "./imports.ts";
import { shortenReadOnly, type CountText } from "./shorten.ts";

export interface ShapedContext {
  /** The prompt sections, in order. */
  sections: string[];
  tokens: { facts: number; readOnly: number; imports: number };
  /** What was left out or cut short, as the last section says. */
  leftOut: string[];
}

export const NO_CONTEXT: ShapedContext = { sections: [], tokens: { facts: 0, readOnly: 0, imports: 0 }, leftOut: [] };

/** The block within `room` tokens, the note on what was left out included. */
export function shapeContext(block: ContextBlock, room: number, count: CountText): ShapedContext {
  let within = room;
  // Shaping to less room leaves more out and makes the note longer: a few rounds settle it.
  for (let round = 0; round < 6 && within > 0; round++) {
    const shaped = shapeWithin(block, within, count);
    const total = shaped.sections.reduce((n, s) => n + count(s), 0);
    if (total <= room) return shaped;
    within -= total - room;
  }
  const bare = shapeWithin(block, 0, count);
  return bare.sections.length > 0 && count(bare.sections[0]!) <= room ? bare : NO_CONTEXT;
}

function shapeWithin(block: ContextBlock, room: number, count: CountText): ShapedContext {
  const leftOut = [...block.problems];
  const sections: string[] = [];
  const tokens = { facts: 0, readOnly: 0, imports: 0 };
  let left = room;

  const facts = takeFacts(block.facts, left, count);
  if (facts.length < block.facts.length) leftOut.push(`${block.facts.length - facts.length} of ${block.facts.length} project facts (no room)`);
  if (facts.length > 0) {
    const text = renderFacts(facts);
    tokens.facts = count(text);
    left -= tokens.facts;
    sections.push(text);
  }

  const files = takeReadOnly(block, left, count, leftOut);
  if (files.length > 0) {
    const text = renderReadOnly(files);
    tokens.readOnly = count(text);
    left -= tokens.readOnly;
    sections.push(text);
  }

  const modules = takeDeclarations(block, left, count);
  for (const m of modules) {
    const hidden = m.module.declarations.length - m.declarations.length;
    if (m.declarations.length === 0) leftOut.push(`${m.module.path}: its declarations (${m.module.via.join("; ")}; no room)`);
    else if (hidden > 0) leftOut.push(`${m.module.path}: ${hidden} of ${m.module.declarations.length} declarations (no room)`);
  }
  const shownModules = modules.filter((m) => m.declarations.length > 0);
  if (shownModules.length > 0) {
    const text = renderImports(shownModules);
    tokens.imports = count(text);
    sections.push(text);
  }
  if (leftOut.length > 0) sections.push(renderLeftOut(leftOut));
  return { sections, tokens, leftOut };
}

function takeFacts(lines: readonly string[], room: number, count: CountText): string[] {
  for (let n = lines.length; n > 0; n--) if (count(renderFacts(lines.slice(0, n))) <= room) return lines.slice(0, n);
  return [];
}

function takeReadOnly(block: ContextBlock, room: number, count: CountText, leftOut: string[]): ShownReadOnly[] {
  const shown: ShownReadOnly[] = [];
  const cost = () => (shown.length === 0 ? 0 : count(renderReadOnly(shown)));
  for (const f of block.readOnly) {
    const whole: ShownReadOnly = { path: f.path, text: f.content, lines: readOnlyLines(f) };
    const before = cost();
    shown.push(whole);
    if (cost() <= room) continue;
    shown.pop();
    // What is left after this file's heading and note (the longest the note can be), and the
    // section's heading when this is the first file.
    const widest = { ...whole, text: "", note: `${f.path}: lines ${whole.lines}-${whole.lines} of ${whole.lines} not shown (no room)` };
    const frame = count(shown.length === 0 ? renderReadOnly([widest]) : `\n\n${renderReadOnlyFile(widest)}`) + 2;
    const cut = shortenReadOnly(f.path, f.content, room - before - frame, count);
    if (cut) {
      shown.push({ ...whole, text: cut.text, note: cut.note });
      if (cost() <= room) {
        leftOut.push(cut.note);
        continue;
      }
      shown.pop();
    }
    leftOut.push(`${f.path} (read-only, ${whole.lines} lines; no room)`);
  }
  return shown;
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
