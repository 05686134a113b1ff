// Summary statistics over samples. Values that are not finite (a run that did not measure
// something) are left out, so one missing sample does not turn a median into NaN.

function finiteSorted(xs: readonly number[]): number[] {
  return xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
}

export function median(xs: readonly number[]): number {
  const s = finiteSorted(xs);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The sample at rank floor(q * n), the q-quantile without interpolation. */
export function quantile(xs: readonly number[], q: number): number {
  const s = finiteSorted(xs);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

export const mean = (xs: readonly number[]): number => sum(xs) / xs.length;

export const maxOf = (xs: readonly number[]): number => (xs.length === 0 ? NaN : Math.max(...xs));
