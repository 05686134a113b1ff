// The prompt_excerpted event: which files an attempt's prompt showed in part, and which lines.
import type { SmolEvent } from "../core/events.ts";
import type { Tier } from "../core/types.ts";
import type { ExcerptedFile } from "../executor/budget.ts";

export function excerptEvent(tier: Tier, attempt: number, excerpts: readonly ExcerptedFile[]): SmolEvent {
  return {
    event: "prompt_excerpted",
    tier,
    attempt,
    files: excerpts.map((e) => ({
      file: e.file,
      lines: e.lines,
      shownLines: e.shown.reduce((n, r) => n + r.end - r.start + 1, 0),
      shown: e.shown.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(", "),
      level: e.level,
    })),
  };
}
