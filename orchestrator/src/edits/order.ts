// Choosing between repeated matches by the order of a file's hunks. A unified diff lists the
// hunks of a file in file order, so a hunk whose lines occur in several places can still only go
// where it comes after the hunks before it and before the hunks after it. A hunk is placed this
// way only when every in-order placement of all the file's hunks puts it at the same line; when
// the hunks that are placed for sure are themselves out of order, the reply does not keep file
// order (a model may list hunks in any order) and order settles nothing.

/**
 * Per hunk, the one start the order of the hunks leaves it, or null. `candidates[i]` are the
 * starts hunk i matches at (one: placed for sure), or null for a hunk that is not placed (it is
 * already applied, or refused for another reason) and so says nothing about order.
 */
export function placeByOrder(candidates: readonly (readonly number[] | null)[]): (number | null)[] {
  const hunks = candidates.flatMap((c, i) => (c === null || c.length === 0 ? [] : [{ i, starts: [...c].sort((a, b) => a - b) }]));
  const out: (number | null)[] = candidates.map(() => null);
  // Earliest start each hunk can take after the hunks before it; latest before the hunks after it.
  const earliest: number[] = [];
  for (let k = 0; k < hunks.length; k++) {
    const after = k === 0 ? -Infinity : earliest[k - 1]!;
    const first = hunks[k]!.starts.find((s) => s > after);
    if (first === undefined) return out; // no in-order placement: the hunks are not in file order
    earliest.push(first);
  }
  const latest: number[] = new Array(hunks.length);
  for (let k = hunks.length - 1; k >= 0; k--) {
    const before = k === hunks.length - 1 ? Infinity : latest[k + 1]!;
    const last = hunks[k]!.starts.findLast((s) => s < before);
    if (last === undefined) return out;
    latest[k] = last;
  }
  hunks.forEach((h, k) => {
    // Every start between the earliest and the latest is part of some in-order placement.
    const fits = h.starts.filter((s) => s >= earliest[k]! && s <= latest[k]!);
    if (fits.length === 1) out[h.i] = fits[0]!;
  });
  return out;
}
