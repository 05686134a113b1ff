// Markdown's outline: its headings, each spanning to the next heading of the same or a higher
// level. Lines inside fenced code blocks are not headings.
import { headline, type Declaration } from "./outline.ts";

export function markdownOutline(text: string): Declaration[] {
  const lines = text.split("\n");
  const headings: Array<{ level: number; index: number }> = [];
  let fence: string | null = null;
  lines.forEach((line, index) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      return;
    }
    const h = fence === null ? /^(#{1,6})\s+\S/.exec(line) : null;
    if (h) headings.push({ level: h[1]!.length, index });
  });
  const last = lines.at(-1) === "" ? lines.length - 1 : lines.length;
  return headings.map(({ level, index }, i) => {
    const next = headings.slice(i + 1).find((h) => h.level <= level);
    const text = lines[index]!.replace(/\r$/, "");
    return {
      name: text.replace(/^#+\s*/, "").trim(),
      kind: "heading",
      exported: false,
      line: index + 1,
      endLine: next ? next.index : last,
      depth: level - 1,
      text: headline(text),
    };
  });
}
