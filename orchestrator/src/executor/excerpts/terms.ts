// What a task description points at in code: the names it mentions, the ones that are clearly
// code (camelCase, snake_case, `ticked`, called()), and the strings it quotes.

export interface Terms {
  /** The description itself: a long test title may be named in it without quotes. */
  text: string;
  /** Every identifier-like word of 3+ characters: matched against declaration names. */
  names: ReadonlySet<string>;
  /** Words that are code beyond doubt: searched for wherever they occur in a file. */
  code: ReadonlySet<string>;
  /** Quoted texts ("…", '…', `…`): searched for literally, and matched against test titles. */
  strings: readonly string[];
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
/**
 * Plain words of task descriptions that are not names of anything: as a bare word, "add" or
 * "update" is the task's verb, not the method. Written as code (`add`, add()), they still count.
 */
const PLAIN_WORDS = new Set(
  "the and for with from into that this then than when what which where make add change update fix remove rename use uses set get new not all any has have can should must also only each other file files test tests function functions method methods class type types value values line lines code".split(" "),
);
/** `a.b.c` or `fn(`, standing on its own: not a piece of a path, an email or a URL. */
const CHAIN = /(?<![\w$@/.\\-])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(\()?(?![\w$@/\\-]|\.[\w$])/g;
// A quote that starts or ends a word ("don't" is not a quote), on one line.
const QUOTED = /(?<![\w'"`])(["'`])([^\n]{2,200}?)\1(?![\w])/g;

export function descriptionTerms(description: string): Terms {
  const quoted = [...description.matchAll(QUOTED)];
  const strings = quoted.map((m) => m[2]!.trim()).filter((s) => s.length >= 2);
  const names = new Set<string>();
  const code = new Set<string>();
  for (const m of description.matchAll(IDENTIFIER)) if (m[0].length >= 3 && !PLAIN_WORDS.has(m[0].toLowerCase())) names.add(m[0]);
  for (const m of description.matchAll(CHAIN)) {
    const parts = m[1]!.split(".");
    const called = m[2] !== undefined;
    for (const part of parts) {
      if (part.length >= 3 && (called || parts.length > 1 || looksLikeCode(part))) code.add(part);
    }
  }
  // `inst` or `store.save()` in backticks is code, however plain the word.
  for (const m of quoted) {
    const chain = m[1] === "`" ? /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\(\))?$/.exec(m[2]!.trim()) : null;
    for (const part of chain?.[1]!.split(".") ?? []) if (part.length >= 3) code.add(part);
  }
  return { text: description, names, code, strings };
}

/** camelCase, PascalCase with a second capital, snake_case, $jquery, or a word with digits. */
function looksLikeCode(word: string): boolean {
  return /[a-z][A-Z]/.test(word) || /^[A-Z][a-z\d]+[A-Z]/.test(word) || /[_$]/.test(word) || /\d/.test(word);
}
