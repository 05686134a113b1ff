// Line handling shared by the appliers: a file is split into lines that each remember their
// own terminator, so untouched lines come back byte for byte (CRLF, LF, or a mix) and the
// last line keeps its missing newline if it had none.

export interface Line {
  text: string;
  /** "\n", "\r\n" or "" (only the last line of a file without a final newline). */
  eol: string;
}

export interface SplitFile {
  lines: Line[];
  /** The terminator new lines get: the file's majority, LF on a tie or an empty file. */
  eol: "\n" | "\r\n";
  finalNewline: boolean;
}

export function splitFile(content: string): SplitFile {
  const lines: Line[] = [];
  let crlf = 0;
  let lf = 0;
  let start = 0;
  while (start < content.length) {
    const nl = content.indexOf("\n", start);
    if (nl === -1) {
      lines.push({ text: content.slice(start), eol: "" });
      break;
    }
    if (nl > start && content.charCodeAt(nl - 1) === 13) {
      lines.push({ text: content.slice(start, nl - 1), eol: "\r\n" });
      crlf++;
    } else {
      lines.push({ text: content.slice(start, nl), eol: "\n" });
      lf++;
    }
    start = nl + 1;
  }
  const last = lines[lines.length - 1];
  return { lines, eol: crlf > lf ? "\r\n" : "\n", finalNewline: last === undefined || last.eol !== "" };
}

/**
 * Joins lines back into a file. Every line but the last must end with a terminator (a line that
 * was last and is no longer gets the file's eol); the last one ends as `finalNewline` says.
 */
export function joinFile(lines: readonly Line[], eol: string, finalNewline: boolean): string {
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const isLast = i === lines.length - 1;
    const term = isLast ? (finalNewline ? line.eol || eol : "") : line.eol || eol;
    out += line.text + term;
  }
  return out;
}

/** The terminator new lines of this content get; LF for a file that does not exist yet. */
export function eolOf(content: string | null): "\n" | "\r\n" {
  return content === null ? "\n" : splitFile(content).eol;
}

/** Plain text lines of a block of text (terminators dropped, one trailing newline ignored). */
export function textLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function countLines(content: string | null): number {
  return content === null ? 0 : textLines(content).length;
}

/** Every index at which `run` occurs in `lines`, line for line. */
export function findRuns(lines: readonly string[], run: readonly string[]): number[] {
  const out: number[] = [];
  const first = run[0]!;
  outer: for (let i = 0; i + run.length <= lines.length; i++) {
    if (lines[i] !== first) continue;
    for (let j = 1; j < run.length; j++) if (lines[i + j] !== run[j]) continue outer;
    out.push(i);
  }
  return out;
}

/** Leading whitespace of a line. */
export function indentOf(s: string): string {
  return /^[ \t]*/.exec(s)![0];
}

/** Whitespace-insensitive form: runs of whitespace collapsed, ends trimmed. */
export function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Shortens a line for a message to the model. */
export function quote(s: string, max = 100): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(t);
}
