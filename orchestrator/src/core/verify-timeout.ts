// The bounds of one verification script's timeout, and the check of a --verify-timeout-ms value.
// Kept apart from the config schema (zod) so that parsing the command line, which --help and
// --version go through, loads no schema library.
import { InputError } from "./errors.ts";

export const VERIFY_TIMEOUT_MIN_MS = 1000;
export const VERIFY_TIMEOUT_MAX_MS = 3_600_000;

/** Checks a --verify-timeout-ms value (its text from the command line, or a number from a caller). */
export function parseVerifyTimeoutMs(value: string | number): number {
  const n = typeof value === "string" && value.trim() === "" ? NaN : Number(value);
  if (Number.isInteger(n) && n >= VERIFY_TIMEOUT_MIN_MS && n <= VERIFY_TIMEOUT_MAX_MS) return n;
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  throw new InputError(
    `--verify-timeout-ms must be a whole number of milliseconds from ${VERIFY_TIMEOUT_MIN_MS} to ${VERIFY_TIMEOUT_MAX_MS}, got ${shown}`,
  );
}
