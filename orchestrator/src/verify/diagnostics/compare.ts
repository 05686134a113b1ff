// Identity, baseline comparison and one-line formatting of diagnostics.
import type { Diagnostic } from "./diagnostic.ts";

function normMessage(m: string): string {
  return m.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}

/**
 * Identity used to compare attempts: file + code + message (whitespace and a
 * trailing period normalised, so ESLint stylish and unix agree). Line/col are
 * deliberately excluded: lines shift when the model edits the file.
 */
export function diagnosticKey(d: Diagnostic): string {
  return [d.file ?? "", d.code ?? "", normMessage(d.message)].join("\u0000");
}

/** Multiset difference by key: the diagnostics in `current` not accounted for by `baseline`. */
export function newSince(baseline: Diagnostic[], current: Diagnostic[]): Diagnostic[] {
  const counts = new Map<string, number>();
  for (const d of baseline) {
    const k = diagnosticKey(d);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const fresh: Diagnostic[] = [];
  for (const d of current) {
    const k = diagnosticKey(d);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else fresh.push(d);
  }
  return fresh;
}

function oneLine(message: string, sep: string): string {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(sep);
}

/**
 * One line per diagnostic:
 * - tsc:   `src/x.tsx(15,3): error TS2322: msg`
 * - lint:  `src/x.ts:3:7 eslint(no-unused-vars): msg` (`warning ` before the rule for warnings)
 * - vite:  `src/x.ts:1:24 vite(UNRESOLVED_IMPORT): msg`
 * - unknown: `unknown: line | line | …`
 */
export function formatDiagnostic(d: Diagnostic): string {
  if (d.tool === "unknown") return `unknown: ${oneLine(d.message, " | ")}`;
  const msg = oneLine(d.message, " ");
  if (d.tool === "tsc") {
    const where = d.file === null ? "" : d.line !== null ? `${d.file}(${d.line},${d.col ?? 1}): ` : `${d.file}: `;
    return `${where}${d.severity} ${d.code ?? "TS?"}: ${msg}`;
  }
  let where = d.file ?? "";
  if (d.file !== null && d.line !== null) where += `:${d.line}${d.col !== null ? `:${d.col}` : ""}`;
  let label: string;
  if (d.tool === "oxlint") label = d.code ?? "oxlint";
  else label = d.code ? `${d.tool}(${d.code})` : d.tool;
  const sev = d.severity === "warning" ? "warning " : "";
  return `${where ? where + " " : ""}${sev}${label}: ${msg}`;
}
