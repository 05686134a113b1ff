// Cases built around ambiguity: hunks whose context appears twice in the file, and elided code.
import { WHOLE_LABELS, type CaseBuilder, type Files } from "./cases.ts";
import { cleanText, makeDiff, render } from "./diff-data.ts";
import { indent, indexesWhere, toLines } from "./edits.ts";

/** A window of `len` lines that occurs (exactly) at least twice; returns both starts. */
function findDuplicateWindow(lines: readonly string[], len: number): [number, number] | null {
  const seen = new Map<string, number>();
  for (let i = 0; i + len <= lines.length; i++) {
    const w = lines.slice(i, i + len);
    if (w.some((l) => l.trim() === "") || w.filter((l) => l.trim().length > 3).length < 2) continue;
    const key = w.join("\n");
    const prev = seen.get(key);
    if (prev !== undefined && i - prev >= len + 6) return [prev, i];
    if (prev === undefined) seen.set(key, i);
  }
  return null;
}

/**
 * Hunks whose context appears twice. Without a usable line number they must be refused;
 * with the right line number (as `diff` writes it) they must apply at that line.
 */
export function addDuplicateContextCases({ rng, medium, push }: CaseBuilder): void {
  let dupMade = 0;
  for (const src of rng.shuffle(medium)) {
    if (dupMade >= 36) break;
    const lines = toLines(src.content);
    const w = findDuplicateWindow(lines, 3);
    if (w === null) continue;
    const [first, second] = w;
    const target = rng.next() < 0.5 ? first : second;
    const mid = target + 1;
    const changed = [...lines];
    const orig = lines[mid]!;
    changed[mid] = /;$/.test(orig) ? `${orig} // changed` : `${orig} /* changed */`;
    const after = `${changed.join("\n")}\n`;
    const d = makeDiff(src.path, src.content, after, 1); // context 1: the hunk is exactly the window
    const h = d.hunks[0]!;
    if (d.hunks.length !== 1 || h.lines.length !== 4) continue;
    const style = dupMade % 3;
    let reply: string;
    let expected: Files | null;
    let kind: string;
    if (style === 0) {
      reply = render([d], { header: () => "@@ @@" });
      expected = null;
      kind = "ambiguous-bare-@@";
    } else if (style === 1) {
      // a wrong line number that points at neither copy
      const bogus = Math.max(1, Math.min(first, second) + 1 + Math.floor(Math.abs(second - first) / 2));
      if (lines.slice(bogus - 1, bogus + 2).join("\n") === lines.slice(first, first + 3).join("\n")) continue;
      reply = render([d], { header: (x) => `@@ -${bogus},${x.oldCount} +${bogus},${x.newCount} @@` });
      expected = null;
      kind = "ambiguous-wrong-line";
    } else {
      reply = render([d]);
      expected = { [src.path]: after };
      kind = "dup-context-right-line";
    }
    push({ edit: "dup-window", kind, filesOwned: [src.path], before: { [src.path]: src.content }, reply, expected });
    dupMade++;
  }
}

const PLACEHOLDERS = ["// ... existing code ...", "// ... rest of the function unchanged ...", "/* ... */", "// ...", "// rest of code"];

/** Elision: the model "abbreviates" code it did not mean to change. Must be refused. */
export function addElisionCases({ rng, small, push }: CaseBuilder): void {
  let elMade = 0;
  for (const src of rng.shuffle(small)) {
    if (elMade >= 16) break;
    const lines = toLines(src.content);
    const starts = indexesWhere(lines, (l, i) => /\{$/.test(l) && (lines[i + 1] ?? "").trim() !== "" && lines.slice(i + 1, i + 5).every((x) => x.trim() !== "" && !x.includes("}")));
    if (starts.length === 0) continue;
    const at = rng.pick(starts);
    const ind = indent(lines[at + 1]!);
    const ph = PLACEHOLDERS[elMade % PLACEHOLDERS.length]!;
    const edited = [...lines.slice(0, at + 1), `${ind}debugLog('start');`, `${ind}${ph}`, ...lines.slice(at + 5)];
    const after = `${edited.join("\n")}\n`;
    const whole = elMade % 4 === 3 && lines.length <= 200;
    push({
      edit: "elision",
      kind: whole ? "elision-whole-file" : "elision-diff",
      filesOwned: [src.path],
      before: { [src.path]: src.content },
      reply: whole ? WHOLE_LABELS[0]!(src.path, after) : `\`\`\`diff\n${cleanText(src.path, src.content, after)}\`\`\`\n`,
      expected: null,
    });
    elMade++;
  }
}
