// The structured form every parser produces from a tool's output.

export type Tool = "tsc" | "eslint" | "oxlint" | "vite" | "unknown";

export interface Diagnostic {
  tool: Tool;
  /** Workspace-relative (when `cwd` was given and the path is inside it), forward slashes. */
  file: string | null;
  /** 1-based as printed by the tool; null when the tool gave none (or printed 0). */
  line: number | null;
  col: number | null;
  /** `TS2322`, an ESLint rule id (`no-unused-vars`, `@typescript-eslint/no-explicit-any`),
   *  an oxlint rule (`eslint(no-debugger)`), a rolldown code (`UNRESOLVED_IMPORT`) or plugin name. */
  code: string | null;
  /** May span several lines (tsc message chains, the unknown fallback). */
  message: string;
  severity: "error" | "warning";
  /** The ANSI-stripped source lines this diagnostic was parsed from. */
  raw: string;
}
