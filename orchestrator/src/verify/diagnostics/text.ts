// Line and path helpers shared by the parsers: what every tool's output needs before its own
// format can be read.

// CSI sequences, OSC sequences (hyperlinks, titles) ended by BEL or ST, and lone ESC pairs.
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[\u001B\u009B][[()#;?]*(?:\d{1,4}(?:[;:]\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, "");
}

export function splitLines(output: string): string[] {
  return stripAnsi(output)
    .split(/\r?\n/)
    .map((l) => {
      // Progress output rewritten with bare CRs: keep what ends up on screen.
      const cr = l.lastIndexOf("\r");
      return (cr >= 0 ? l.slice(cr + 1) : l).replace(/\s+$/, "");
    });
}

export const isBlank = (l: string | undefined): boolean => l === undefined || l.trim() === "";
export const isIndented = (l: string): boolean => /^\s/.test(l) && l.trim() !== "";
export const isStackFrame = (l: string): boolean => /^\s+at\s.+/.test(l);

export function toNum(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) && n > 0 ? n : null;
}

export function normCwd(cwd: string | undefined): string | null {
  if (!cwd) return null;
  let c = cwd.replace(/\\/g, "/");
  while (c.length > 1 && c.endsWith("/")) c = c.slice(0, -1);
  return c;
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:\//.test(p);
}

/** Forward slashes, no `file://` or `./`, and relative to `cwd` when inside it. */
export function normalizePath(p: string, cwd: string | null): string {
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
export function relativizeText(text: string, cwd: string | null): string {
  if (!cwd || cwd === "/") return text;
  return text.split(cwd + "/").join("");
}
