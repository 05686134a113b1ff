/**
 * Turns the raw output of a workspace's typecheck / lint / build scripts into
 * structured diagnostics. Pure: no I/O, no process state.
 *
 * Supported formats (see test/diagnostics.test.ts, which runs the real tools):
 * - tsc `--pretty false`: `file(line,col): error TSnnnn: msg` (+ indented continuation lines)
 * - tsc pretty:           `file:line:col - error TSnnnn: msg` (ANSI stripped, code frames skipped)
 * - tsc global errors:    `error TSnnnn: msg`
 * - ESLint / oxlint stylish: path header line, then `  line:col  error|warning  msg  rule`
 * - ESLint / oxlint unix:    `file:line:col: msg [Error|Warning/rule]`
 * - oxlint default (graphical): `  × plugin(rule): msg` / `  ⚠ …` + `╭─[file:line:col]`
 * - vite 8 / rolldown:    `[CODE] msg` + `╭─[ file:line:col ]`, `[vite]: Rolldown failed to resolve import …`
 * - vite ≤7 / rollup:     `error during build:` + message + `file: /abs/path:line:col`,
 *                         `[vite]: Rollup failed to resolve import "x" from "/abs/y.ts"`,
 *                         esbuild transform errors `file:line:col: ERROR: msg`
 * - esbuild native:       `✘ [ERROR] msg` + indented `file:line:col:`
 * Anything else: when nothing structured is found in a failing output, one
 * `unknown` diagnostic carrying the last ~20 meaningful lines.
 */

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

export interface ParseOptions {
  /** Workspace root: absolute paths inside it become relative. */
  cwd?: string;
  /** Which tool probably produced the output (e.g. from the script name); breaks ties. */
  hint?: Tool;
  /**
   * Exit code of the command, if known. With 0, no `unknown` fallback is produced
   * when nothing structured is found. Without it the output is assumed to come
   * from a failing command.
   */
  exitCode?: number;
}

const FALLBACK_LINES = 20;
const FALLBACK_LINE_MAX = 400;

// ---------------------------------------------------------------------------
// Line helpers

// CSI sequences, OSC sequences (hyperlinks, titles) ended by BEL or ST, and lone ESC pairs.
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[\u001B\u009B][[()#;?]*(?:\d{1,4}(?:[;:]\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, "");
}

function splitLines(output: string): string[] {
  return stripAnsi(output)
    .split(/\r?\n/)
    .map((l) => {
      // Progress output rewritten with bare CRs: keep what ends up on screen.
      const cr = l.lastIndexOf("\r");
      return (cr >= 0 ? l.slice(cr + 1) : l).replace(/\s+$/, "");
    });
}

const isBlank = (l: string | undefined): boolean => l === undefined || l.trim() === "";
const isIndented = (l: string): boolean => /^\s/.test(l) && l.trim() !== "";
const isStackFrame = (l: string): boolean => /^\s+at\s.+/.test(l);

function toNum(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function normCwd(cwd: string | undefined): string | null {
  if (!cwd) return null;
  let c = cwd.replace(/\\/g, "/");
  while (c.length > 1 && c.endsWith("/")) c = c.slice(0, -1);
  return c;
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:\//.test(p);
}

export function normalizePath(p: string, cwd?: string | null): string {
  let f = p.trim().replace(/^file:\/\//, "").replace(/\\/g, "/");
  const c = normCwd(cwd ?? undefined);
  if (c && isAbsolute(f)) {
    const caseInsensitive = /^[A-Za-z]:\//.test(c);
    const a = caseInsensitive ? f.toLowerCase() : f;
    const b = caseInsensitive ? c.toLowerCase() : c;
    if (a === b) f = ".";
    else if (a.startsWith(b + "/")) f = f.slice(c.length + 1);
  }
  while (f.startsWith("./")) f = f.slice(2);
  return f;
}

/** Replaces absolute paths under cwd inside free text (vite/rollup messages quote them). */
function relativizeText(text: string, cwd: string | null): string {
  if (!cwd || cwd === "/") return text;
  return text.split(cwd + "/").join("");
}

// ---------------------------------------------------------------------------
// Patterns

const TSC_PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.*)$/;
const TSC_PRETTY = /^(.+?):(\d+):(\d+) - (error|warning|message) (TS\d+): (.*)$/;
const TSC_GLOBAL = /^(error|warning|message) (TS\d+): (.*)$/;

const RULE_ID = /^(?:@?[\w.-]+\/)*[\w.-]+$|^[\w@/.-]+\([\w@/.-]+\)$/;
const STYLISH_PROBLEM = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const UNIX = /^(.+?):(\d+):(\d+): (.*?) \[(Error|Warning)(?:\/([^\]]+))?\]$/;

// oxlint / miette graphical header; `x`/`!` are miette's ASCII fallbacks.
// Note: `×` is U+00D7 (miette); ESLint's summary uses `✖` (U+2716) and must not match.
const GRAPHICAL_HEADER = /^\s{0,4}([×⚠]|x|!) (.+)$/;
const GRAPHICAL_LOCATION = /^\s*(?:[╭,]─?-?|├─|\|-)\[\s*(.+?):(\d+):(\d+)\s*\]\s*$/;
const OXLINT_RULE_PREFIX = /^([\w@/.-]+\([\w@/.-]+\)): (.*)$/;

const VITE_SECTION_START = /^(?:error during build:|Build failed with \d+ errors?:?)\s*$/;
const VITE_UNRESOLVED = /^(?:\w*Error: )?\[vite\]:? (Rollup|Rolldown) failed to resolve import "([^"]+)" from "([^"]+)"\.?/;
const ROLLDOWN_HEADER = /^\[([^\]\s]+(?: [^\]\s]+)?)\] (.+)$/;
const ESBUILD_TRANSFORM = /^(.+?):(\d+):(\d+): (ERROR|WARNING): (.*)$/;
const ESBUILD_NATIVE = /^\s*(?:✘|X|▲) \[(ERROR|WARNING)\] (.+?)(?: \[([\w:/.-]+)\])?$/;
const ESBUILD_NATIVE_LOC = /^\s+(.+?):(\d+):(\d+):$/;
const ROLLUP_FILE_LINE = /^file: (.+?)(?::(\d+):(\d+))?(?: \(.+\))?$/;
const ROLLUP_LOC_PREFIX = /^(.+?) \((\d+):(\d+)\): (.*)$/;

/** Lines that open a diagnostic of some other format: continuation collection stops at them. */
function opensDiagnostic(l: string): boolean {
  return (
    TSC_PLAIN.test(l) ||
    TSC_PRETTY.test(l) ||
    TSC_GLOBAL.test(l) ||
    STYLISH_PROBLEM.test(l) ||
    UNIX.test(l) ||
    ESBUILD_TRANSFORM.test(l) ||
    ESBUILD_NATIVE.test(l) ||
    VITE_SECTION_START.test(l) ||
    /^\s{0,4}[×⚠] /.test(l)
  );
}

// ---------------------------------------------------------------------------
// Parser

interface Ctx {
  lines: string[];
  cwd: string | null;
  hint: Tool | undefined;
  out: Diagnostic[];
}

/** Adds a diagnostic with its path normalised and cwd-relative paths in the message. */
function push(ctx: Ctx, d: Diagnostic): void {
  ctx.out.push({
    ...d,
    file: d.file === null ? null : normalizePath(d.file, ctx.cwd),
    message: relativizeText(d.message, ctx.cwd).trim(),
  });
}

function lintTool(code: string | null, ctx: Ctx): Tool {
  if (code && /^[\w@/.-]+\([\w@/.-]+\)$/.test(code)) return "oxlint";
  if (ctx.hint === "oxlint" || ctx.hint === "eslint") return ctx.hint;
  return "eslint";
}

/** tsc continuation lines: indented, non-blank, not another diagnostic. */
function takeIndented(ctx: Ctx, start: number): number {
  let j = start;
  while (j < ctx.lines.length) {
    const l = ctx.lines[j]!;
    if (!isIndented(l) || opensDiagnostic(l)) break;
    j++;
  }
  return j;
}

function parseTscPlain(ctx: Ctx, i: number): number | null {
  const m = TSC_PLAIN.exec(ctx.lines[i]!);
  if (!m) return null;
  const end = takeIndented(ctx, i + 1);
  const cont = ctx.lines.slice(i + 1, end);
  push(ctx, {
    tool: "tsc",
    file: m[1]!,
    line: toNum(m[2]),
    col: toNum(m[3]),
    code: m[5]!,
    message: [m[6]!, ...cont].join("\n"),
    severity: m[4] === "error" ? "error" : "warning",
    raw: ctx.lines.slice(i, end).join("\n"),
  });
  return end;
}

/** Code-frame / related-information lines that follow a pretty tsc error. */
function isTscFrameLine(l: string): boolean {
  return isBlank(l) || /^\s*\d+\s/.test(l) || /^\d+$/.test(l) || (isIndented(l) && !opensDiagnostic(l));
}

function parseTscPretty(ctx: Ctx, i: number): number | null {
  const line = ctx.lines[i]!;
  const m = TSC_PRETTY.exec(line);
  const g = m ? null : TSC_GLOBAL.exec(line);
  if (!m && !g) return null;
  const end = takeIndented(ctx, i + 1);
  const cont = ctx.lines.slice(i + 1, end);
  const sev = (m ? m[4] : g![1]) === "error" ? "error" : "warning";
  push(ctx, {
    tool: "tsc",
    file: m ? m[1]! : null,
    line: m ? toNum(m[2]) : null,
    col: m ? toNum(m[3]) : null,
    code: m ? m[5]! : g![2]!,
    message: [m ? m[6]! : g![3]!, ...cont].join("\n"),
    severity: sev,
    raw: ctx.lines.slice(i, end).join("\n"),
  });
  // Skip the code frame and related information (only pretty output has them).
  let j = end;
  if (m) while (j < ctx.lines.length && isTscFrameLine(ctx.lines[j]!)) j++;
  return j;
}

function parseStylish(ctx: Ctx, i: number, file: string | null): number | null {
  const l = ctx.lines[i]!;
  const m = STYLISH_PROBLEM.exec(l);
  if (!m) return null;
  let message = m[4]!.trim();
  let code: string | null = null;
  const split = /^(.*?)\s{2,}(\S+)$/.exec(message);
  if (split && RULE_ID.test(split[2]!)) {
    message = split[1]!.trim();
    code = split[2]!;
  }
  push(ctx, {
    tool: lintTool(code, ctx),
    file,
    line: toNum(m[1]),
    col: toNum(m[2]),
    code,
    message,
    severity: m[3] === "warning" ? "warning" : "error",
    raw: l,
  });
  return i + 1;
}

function parseUnix(ctx: Ctx, i: number): number | null {
  const l = ctx.lines[i]!;
  const m = UNIX.exec(l);
  if (!m) return null;
  const code = m[6] ?? null;
  push(ctx, {
    tool: lintTool(code, ctx),
    file: m[1]!,
    line: toNum(m[2]),
    col: toNum(m[3]),
    code,
    message: m[4]!,
    severity: m[5] === "Warning" ? "warning" : "error",
    raw: l,
  });
  return i + 1;
}

/** oxlint's default (miette graphical) report. */
function parseGraphical(ctx: Ctx, i: number): number | null {
  const m = GRAPHICAL_HEADER.exec(ctx.lines[i]!);
  if (!m) return null;
  const ascii = m[1] === "x" || m[1] === "!";
  // Block: indented lines (frame, labels, `help:`) up to a blank line or the next header.
  let j = i + 1;
  let loc: RegExpExecArray | null = null;
  while (j < ctx.lines.length) {
    const l = ctx.lines[j]!;
    if (!isIndented(l) || GRAPHICAL_HEADER.test(l)) break;
    if (!loc) loc = GRAPHICAL_LOCATION.exec(l);
    j++;
  }
  // The ASCII markers are too common to trust without a location frame.
  if (ascii && !loc) return null;
  let message = m[2]!.trim();
  let code: string | null = null;
  const pre = OXLINT_RULE_PREFIX.exec(message);
  if (pre) {
    code = pre[1]!;
    message = pre[2]!;
  }
  push(ctx, {
    tool: ctx.hint === "vite" ? "vite" : "oxlint",
    file: loc ? loc[1]! : null,
    line: loc ? toNum(loc[2]) : null,
    col: loc ? toNum(loc[3]) : null,
    code,
    message,
    severity: m[1] === "⚠" || m[1] === "!" ? "warning" : "error",
    raw: ctx.lines.slice(i, j).join("\n"),
  });
  return j;
}

function parseEsbuildNative(ctx: Ctx, i: number): number | null {
  const m = ESBUILD_NATIVE.exec(ctx.lines[i]!);
  if (!m) return null;
  let j = i + 1;
  let loc: RegExpExecArray | null = null;
  // Location line comes after one blank line; the block ends at a non-indented line.
  while (j < ctx.lines.length) {
    const l = ctx.lines[j]!;
    if (!isBlank(l) && !isIndented(l)) break;
    if (!loc) loc = ESBUILD_NATIVE_LOC.exec(l);
    j++;
  }
  push(ctx, {
    tool: ctx.hint && ctx.hint !== "unknown" ? ctx.hint : "vite",
    file: loc ? loc[1]! : null,
    line: loc ? toNum(loc[2]) : null,
    col: loc ? toNum(loc[3]) : null,
    code: m[3] ?? null,
    message: m[2]!,
    severity: m[1] === "WARNING" ? "warning" : "error",
    raw: ctx.lines.slice(i, j).join("\n").replace(/\n+$/, ""),
  });
  return j;
}

/** esbuild (vite ≤7 transform) one-liner: `/abs/src/x.ts:4:9: ERROR: msg`. */
function parseEsbuildTransform(ctx: Ctx, i: number): number | null {
  const l = ctx.lines[i]!;
  const es = ESBUILD_TRANSFORM.exec(l);
  if (!es) return null;
  push(ctx, {
    tool: "vite",
    file: es[1]!,
    line: toNum(es[2]),
    col: toNum(es[3]),
    code: null,
    message: es[5]!,
    severity: es[4] === "WARNING" ? "warning" : "error",
    raw: l,
  });
  return i + 1;
}

function pushViteUnresolved(ctx: Ctx, m: RegExpExecArray, raw: string): void {
  push(ctx, {
    tool: "vite",
    file: m[3]!,
    line: null,
    col: null,
    code: null,
    message: `${m[1]} failed to resolve import "${m[2]}" from "${normalizePath(m[3]!, ctx.cwd)}".`,
    severity: "error",
    raw,
  });
}

/**
 * A vite/rollup/rolldown error section: from `error during build:` (or
 * `Build failed with N errors:`) to the stack trace / end of output.
 */
function parseViteSection(ctx: Ctx, i: number): number | null {
  if (!VITE_SECTION_START.test(ctx.lines[i]!)) return null;
  let end = i + 1;
  while (end < ctx.lines.length && !isStackFrame(ctx.lines[end]!)) end++;
  const before = ctx.out.length;
  const sectionLines = ctx.lines.slice(i + 1, end);

  let j = i + 1;
  while (j < end) {
    const l = ctx.lines[j]!;
    if (isBlank(l) || VITE_SECTION_START.test(l)) {
      j++;
      continue;
    }
    const unresolved = VITE_UNRESOLVED.exec(l);
    if (unresolved) {
      pushViteUnresolved(ctx, unresolved, l);
      j++;
      continue;
    }
    const es = parseEsbuildTransform(ctx, j);
    if (es !== null) {
      j = es;
      continue;
    }
    const rd = ROLLDOWN_HEADER.exec(l);
    if (rd) {
      // rolldown: `[CODE] message` then a `╭─[ file:line:col ]` frame closed by `───╯`.
      let k = j + 1;
      let loc: RegExpExecArray | null = null;
      while (k < end && !isBlank(ctx.lines[k]) && !ROLLDOWN_HEADER.test(ctx.lines[k]!)) {
        if (!loc) loc = GRAPHICAL_LOCATION.exec(ctx.lines[k]!);
        k++;
      }
      if (loc) {
        push(ctx, {
          tool: "vite",
          file: loc[1]!,
          line: toNum(loc[2]),
          col: toNum(loc[3]),
          code: rd[1]!,
          message: rd[2]!,
          severity: "error",
          raw: ctx.lines.slice(j, k).join("\n"),
        });
        j = k;
        continue;
      }
    }
    const ts = TSC_PLAIN.exec(l) ?? TSC_PRETTY.exec(l);
    if (ts) {
      // e.g. vite-plugin-checker; let the tsc parser handle it.
      j = parseTscPlain(ctx, j) ?? parseTscPretty(ctx, j) ?? j + 1;
      continue;
    }
    j++;
  }

  if (ctx.out.length === before) {
    // Generic rollup/vite error: first meaningful line is the message,
    // a `file: /abs/path:line:col` line gives the location.
    const first = sectionLines.findIndex((l) => !isBlank(l) && !VITE_SECTION_START.test(l));
    if (first >= 0) {
      let message = sectionLines[first]!.trim().replace(/^\w*Error: /, "");
      let code: string | null = null;
      let file: string | null = null;
      let line: number | null = null;
      let col: number | null = null;
      const plugin = /^\[([^\]]+)\] (.*)$/.exec(message);
      if (plugin) {
        code = plugin[1]!;
        message = plugin[2]!;
      }
      const pre = ROLLUP_LOC_PREFIX.exec(message);
      if (pre && !/\s/.test(pre[1]!)) {
        file = pre[1]!;
        line = toNum(pre[2]);
        col = toNum(pre[3]);
        message = pre[4]!;
      }
      // Message continuation: following non-blank lines up to `file:` / blank.
      const msgLines = [message];
      let k = first + 1;
      for (; k < sectionLines.length; k++) {
        const l = sectionLines[k]!;
        if (isBlank(l) || ROLLUP_FILE_LINE.test(l) || opensDiagnostic(l)) break;
        msgLines.push(l.trim());
      }
      const fileLine = sectionLines.map((l) => ROLLUP_FILE_LINE.exec(l)).find((x) => x);
      if (fileLine) {
        file = fileLine[1]!;
        line = toNum(fileLine[2]) ?? line;
        col = toNum(fileLine[3]) ?? col;
      }
      push(ctx, {
        tool: "vite",
        file,
        line,
        col,
        code,
        message: msgLines.join("\n"),
        severity: "error",
        raw: sectionLines.filter((l) => !isBlank(l)).join("\n"),
      });
    }
  }
  return end;
}

function looksLikePathHeader(l: string): boolean {
  if (isBlank(l) || /^\s/.test(l)) return false;
  return /[\\/]/.test(l) || /\.\w+$/.test(l);
}

function fallback(lines: string[], exitCode: number | undefined): Diagnostic[] {
  if (exitCode === 0) return [];
  const meaningful = lines
    .filter((l) => !isBlank(l))
    // Stack frames inside dependencies / node internals say nothing about the workspace.
    .filter((l) => !(isStackFrame(l) && /node_modules|node:internal|\(native\)/.test(l)))
    .filter((l) => /[\p{L}\p{N}]/u.test(l)) // pure decoration: box drawing, ~~~, ───
    .map((l) => (l.length > FALLBACK_LINE_MAX ? l.slice(0, FALLBACK_LINE_MAX) + "…" : l));
  if (meaningful.length === 0 && exitCode === undefined) return [];
  const tail = meaningful.slice(-FALLBACK_LINES);
  return [
    {
      tool: "unknown",
      file: null,
      line: null,
      col: null,
      code: null,
      message: tail.length > 0 ? tail.join("\n") : `(command failed with exit code ${exitCode} and printed nothing)`,
      severity: "error",
      raw: tail.join("\n"),
    },
  ];
}

export function parseDiagnostics(output: string, opts: ParseOptions = {}): Diagnostic[] {
  const lines = splitLines(output);
  const ctx: Ctx = { lines, cwd: normCwd(opts.cwd), hint: opts.hint, out: [] };
  let stylishFile: string | null = null;

  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (isBlank(l)) {
      i++;
      continue;
    }
    const next =
      parseTscPlain(ctx, i) ??
      parseTscPretty(ctx, i) ??
      parseViteSection(ctx, i) ??
      parseUnix(ctx, i) ??
      parseEsbuildTransform(ctx, i) ??
      parseStylish(ctx, i, stylishFile) ??
      parseGraphical(ctx, i) ??
      parseEsbuildNative(ctx, i);
    if (next !== null) {
      i = next;
      continue;
    }
    const unresolved = VITE_UNRESOLVED.exec(l);
    if (unresolved) {
      pushViteUnresolved(ctx, unresolved, l);
      i++;
      continue;
    }
    // A stylish file header is a non-indented path line directly followed by a problem line.
    if (looksLikePathHeader(l) && STYLISH_PROBLEM.test(lines[i + 1] ?? "")) {
      stylishFile = l.trim();
    } else if (!/^\s/.test(l)) {
      stylishFile = null;
    }
    i++;
  }

  if (ctx.out.length > 0) return ctx.out;
  return fallback(lines, opts.exitCode);
}

// ---------------------------------------------------------------------------
// Identity, baseline comparison, formatting

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
