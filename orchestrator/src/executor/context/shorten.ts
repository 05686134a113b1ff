// A read-only file too big for the room left in the prompt is shown cut short: its first lines,
// and a plain note of what was left out. One function, so an outline of the file (its
// declarations with line numbers, and excerpts) can take its place later without the callers
// changing.
import { countLines } from "../prompt.ts";

export type CountText = (text: string) => number;

export interface Shortened {
  /** The part of the file shown. */
  text: string;
  /** What was left out, in words, for the prompt and the left-out list. */
  note: string;
}

/** The fewest lines worth showing: fewer tell the model little and cost the note anyway. */
const MIN_LINES = 10;

/** The longest start of `content` (whole lines) whose tokens fit in `maxTokens`; null when not even MIN_LINES do. */
export function shortenReadOnly(file: string, content: string, maxTokens: number, count: CountText): Shortened | null {
  const lines = content.split("\n");
  const total = countLines(content);
  const fits = (n: number) => count(lines.slice(0, n).join("\n")) <= maxTokens;
  if (total <= MIN_LINES || !fits(MIN_LINES)) return null;
  // Binary search on the number of lines: token counts grow with the lines taken.
  let lo = MIN_LINES;
  let hi = total;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return { text: `${lines.slice(0, lo).join("\n")}\n`, note: `${file}: lines ${lo + 1}-${total} of ${total} not shown (no room)` };
}
