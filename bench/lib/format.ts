// Number formats shared by the bench reports.

/** Milliseconds as seconds with two decimals, without a unit: "1.23". */
export const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** Milliseconds rounded, with the unit: "12 ms"; "–" for a value that was not measured. */
export const millis = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : "–");

/** A ratio with one decimal place as a percentage: "54.5%". */
export const percent = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;

/** Lines of a text as an editor numbers them (a final newline starts one more, empty line). */
export const countLines = (text: string): number => text.split("\n").length;
