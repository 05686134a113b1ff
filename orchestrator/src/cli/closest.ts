// "Did you mean": the known word nearest to what was typed. A known word that starts with the
// typed text wins outright (`--dry` means `--dry-run`); otherwise the fewest single-character
// edits, the earlier word on a tie.

export function closest(typed: string, known: readonly string[]): string {
  let best = known[0]!;
  let bestScore = Infinity;
  for (const word of known) {
    const score = word.startsWith(typed) ? 0 : editDistance(typed, word);
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
