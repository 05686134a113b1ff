// Replies to a prompt that shows a file in part, written the way the model has to write them:
// from the lines the prompt shows ("Lines A-B of FILE:" and a fenced block), with the @@ line
// numbers those headers give. A line the prompt did not show cannot be edited this way.

export interface ShownExcerpt {
  start: number;
  lines: string[];
}

/** The excerpts a prompt shows of `file`, in order. */
export function shownExcerpts(prompt: string, file: string): ShownExcerpt[] {
  const escaped = file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const re = new RegExp(`^Lines (\\d+)-(\\d+) of ${escaped}:\\n(\`{3,})[\\w-]*\\n([\\s\\S]*?)\\n\\3$`, "gm");
  return [...prompt.matchAll(re)].map((m) => ({ start: Number(m[1]), lines: m[4]!.split("\n") }));
}

/** Whether the prompt shows line `n` (1-based) of `file`. */
export function shows(prompt: string, file: string, n: number): boolean {
  return shownExcerpts(prompt, file).some((e) => n >= e.start && n < e.start + e.lines.length);
}

/**
 * A diff reply that replaces the first shown line containing `find`, with up to 3 lines of
 * context from the same excerpt. Throws when no shown line contains it: the model could not
 * have written this edit from its prompt.
 */
export function editShownLine(prompt: string, file: string, find: string, replace: (line: string) => string): string {
  for (const ex of shownExcerpts(prompt, file)) {
    const i = ex.lines.findIndex((l) => l.includes(find));
    if (i < 0) continue;
    const from = Math.max(0, i - 3);
    const to = Math.min(ex.lines.length, i + 4);
    const body = ex.lines.slice(from, to).map((l, k) => (from + k === i ? `-${l}\n+${replace(l)}` : ` ${l}`));
    const start = ex.start + from;
    const count = to - from;
    return `Here is the change.\n\n\`\`\`diff\n--- a/${file}\n+++ b/${file}\n@@ -${start},${count} +${start},${count} @@\n${body.join("\n")}\n\`\`\`\n`;
  }
  throw new Error(`the prompt shows no line of ${file} containing ${JSON.stringify(find)}`);
}

/** A diff reply for a line the model did NOT see (by its line number in the real file): what a model that guesses writes. */
export function editUnseenLine(file: string, content: string, n: number, replace: (line: string) => string): string {
  const lines = content.split("\n");
  const from = Math.max(1, n - 3);
  const to = Math.min(lines.length, n + 3);
  const body = [];
  for (let k = from; k <= to; k++) body.push(k === n ? `-${lines[k - 1]}\n+${replace(lines[k - 1]!)}` : ` ${lines[k - 1]}`);
  return `\`\`\`diff\n--- a/${file}\n+++ b/${file}\n@@ -${from},${to - from + 1} +${from},${to - from + 1} @@\n${body.join("\n")}\n\`\`\`\n`;
}
