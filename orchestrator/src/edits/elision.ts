// The elision guard. Small models like to "abbreviate" code they are not changing with a
// placeholder comment — `// ... rest of the component unchanged ...` — which, applied as
// written, deletes that code. A placeholder is only a problem when it stands in for lines the
// edit removes, so a hunk is refused when it adds a placeholder AND removes real code that does
// not come back elsewhere in the same hunk. A placeholder added in pure new code is left alone.
import type { HunkLine } from "./lex.ts";
import { squash } from "./text.ts";

const ELLIPSIS = /^(?:\.{2,}|…)|(?:\.{3,}|…)$/;
const STRONG: RegExp[] = [
  /\brest of (?:the |this |your )?(?:code|file|component|function|class|module|implementation|method|body|logic|props|imports|tests?|cases|config|jsx|markup|template|styles?)\b/i,
  /^(?:the )?(?:existing|previous|original|remaining|other|old|same|unchanged|more) (?:code|logic|implementation|methods|functions|imports|props|cases|content|tests|fields|properties|exports|types|routes|handlers|state|hooks|stuff|lines|jsx|markup|styles)\b/i,
  /\b(?:code|logic|implementation|content|methods|functions|imports|lines|body|component|file|class|everything else|rest)\b.{0,40}\b(?:unchanged|stays? the same|remains?(?: the same| as is)?|as before|as is|omitted|elided)\b/i,
  /\b(?:unchanged|omitted|elided)\s*(?:for brevity|\.{3}|…)?\s*$/i,
  /\bfor brevity\b/i,
  /\bsame as (?:before|above|original|previous|existing)\b/i,
  /\bkeep (?:the )?(?:rest|existing|remaining|original)\b/i,
  /\b(?:no changes?|nothing changed)\b.{0,20}\b(?:here|below|above)\b/i,
];

/** Text of the comment on this line, or null when the line is not just a comment. */
function commentBody(text: string): string | null {
  const t = text.trim();
  const forms: RegExp[] = [
    /^\{\s*\/\*+(.*?)\*+\/\s*\}$/, // {/* ... */}
    /^\/\*+(.*?)\*+\/$/, // /* ... */
    /^\/\*+(.*)$/, // /* ... (unterminated)
    /^\/\/+(.*)$/, // // ...
    /^<!--(.*?)(?:-->)?$/, // <!-- ... -->
    /^#+(?!!)(.*)$/, // # ... (not a shebang)
    /^\*(?!\/)(.*)$/, // * ... inside a block comment
    /^--(?!-)(.*)$/, // -- ... (sql)
  ];
  for (const f of forms) {
    const m = f.exec(t);
    if (m) return m[1]!.trim();
  }
  return null;
}

export function isPlaceholder(text: string): boolean {
  const t = text.trim();
  if (t === "..." || t === "…" || t === "...," || t === "…,") return true;
  // "... rest of file", "...the whole file..." — but not a spread like "...defaults,"
  if (/^(?:\.{3}|…)\s/.test(t) || /^(?:\.{3}|…).*(?:\.{3}|…)$/.test(t)) return true;
  const body = commentBody(t);
  if (body === null || body === "") return false;
  const core = body.replace(/^[\s\-–—:*()[\]]+|[\s\-–—:*()[\]]+$/g, "");
  if (/^(?:\.{2,}|…)/.test(core)) return true;
  if (ELLIPSIS.test(core) && core.split(/\s+/).length <= 8) return true;
  return STRONG.some((re) => re.test(core));
}

interface Elision {
  placeholder: string;
  removed: string[];
}

/**
 * A hunk (or the hunks of a whole-file rewrite) that adds a placeholder while removing real code.
 * `removed` is the real code that would be lost.
 */
export function findElision(lines: readonly HunkLine[]): Elision | null {
  const added = lines.filter((l) => l.op === "+");
  const placeholders = added.filter((l) => isPlaceholder(l.text));
  if (placeholders.length === 0) return null;
  const addedSet = new Set(added.map((l) => squash(l.text)));
  const removed = lines
    .filter((l) => l.op === "-" && l.text.trim() !== "" && !isPlaceholder(l.text) && !addedSet.has(squash(l.text)))
    .map((l) => l.text);
  if (removed.length === 0) return null;
  return { placeholder: placeholders[0]!.text, removed };
}

/** Placeholder lines among the lines a hunk expects to find in the file (context or removed). */
export function placeholderContext(lines: readonly HunkLine[]): string | null {
  const hit = lines.find((l) => l.op !== "+" && isPlaceholder(l.text));
  return hit ? hit.text : null;
}
