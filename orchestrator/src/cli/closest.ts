// "Did you mean": the known word nearest to what was typed. A known word that starts with the
// typed text wins outright (`--dry` means `--dry-run`), the shortest such one first; otherwise
// the fewest single-character edits, the earlier word on a tie.

export function closest(typed: string, known: readonly string[]): string {
  let best = known[0]!;
  let bestScore = Infinity;
  for (const word of known) {
    // Prefix matches score below 1, and so below any edit distance but an exact match's 0.
    const score = word.startsWith(typed) ? (word.length - typed.length) / (word.length + 1) : editDistance(typed, word);
    if (score < bestScore) [best, bestScore] = [word, score];
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
