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
// A quote that starts or ends a word ("don't" is not a quote), on one line.
const QUOTED = /(?<![\w'"`])(["'`])([^\n]{2,200}?)\1(?![\w])/g;

export function descriptionTerms(description: string): Terms {
  const strings = [...description.matchAll(QUOTED)].map((m) => m[2]!.trim()).filter((s) => s.length >= 2);
  const names = new Set<string>();
  const code = new Set<string>();
  for (const m of description.matchAll(IDENTIFIER)) {
    const word = m[0];
    if (word.length < 3) continue;
    names.add(word);
    const next = description[m.index + word.length];
    if (looksLikeCode(word) || next === "(" || description[m.index - 1] === ".") code.add(word);
  }
  for (const s of strings) for (const m of s.matchAll(IDENTIFIER)) if (m[0].length >= 3 && /^[\w$.()[\]]+$/.test(s)) code.add(m[0]);
  return { text: description, names, code, strings };
}

/** camelCase, PascalCase with a second capital, snake_case, $jquery, or a word with digits. */
function looksLikeCode(word: string): boolean {
  return /[a-z][A-Z]/.test(word) || /^[A-Z][a-z\d]+[A-Z]/.test(word) || /[_$]/.test(word) || /\d/.test(word);
}
