// Finding the edit in a model's reply: fenced ```diff / ```patch blocks (several, with prose
// around them), fenced blocks of other languages whose body is a diff, an unfenced diff with
// prose around it, and whole files — a fenced block labelled with a path, in its info string
// (```ts src/x.ts, ```src/x.ts, ```ts title="src/x.ts") or alone on the line before the fence
// (`src/x.ts`, **src/x.ts**, src/x.ts:, ### src/x.ts, File: src/x.ts).
import { looksLikeDiff } from "./lex.ts";

export interface DiffSource {
  text: string;
  fenced: boolean;
  /** Bare +/-/space lines with no @@ count as one hunk (only in ```diff / ```patch blocks). */
  allowHeaderless: boolean;
  /** A path given in the info string or before the fence: the file for headerless hunks. */
  label: string | null;
  /** The fence never closed: the reply may have been cut off (token limit). */
  unclosed: boolean;
}

export interface WholeFileSource {
  label: string;
  content: string;
  /** The fence never closed: the file is probably cut off. */
  unclosed: boolean;
}

interface Extracted {
  diffs: DiffSource[];
  wholeFiles: WholeFileSource[];
}

interface Fence {
  info: string;
  label: string | null;
  body: string;
  /** Line indices of the opening and closing fence (close = lines.length when unclosed). */
  open: number;
  close: number;
}

const DIFF_LANGS = new Set(["diff", "patch", "udiff", "git-diff", "gitdiff"]);
const OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/;

/** A token that looks like a file path rather than a language name. */
function pathLike(token: string): boolean {
  if (!/^[\w@.\-/\\[\]()+~$]+$/.test(token)) return false;
  if (token.includes("/") || token.includes("\\")) return /[\w]/.test(token);
  return /^[\w@\-.[\]()+~$]*\w\.[A-Za-z0-9]{1,10}$/.test(token) && !/^\d+(\.\d+)+$/.test(token);
}

function unwrap(s: string): string {
  let t = s.trim();
  for (;;) {
    const before = t;
    t = t.replace(/:$/, "").trim();
    t = t.replace(/^#{1,6}\s+/, "").replace(/^(?:[-*+]|\d+\.)\s+/, "");
    t = t.replace(/^(?:file(?:name)?|path|new file|updated file|full file)\s*:\s*/i, "");
    const m = /^(\*\*|__|`|\*|_|"|')(.+)\1$/.exec(t);
    if (m) t = m[2]!.trim();
    if (t === before) return t;
  }
}

/** A path from a fence's info string: ```ts src/x.ts, ```src/x.ts, ```ts:src/x.ts, ```ts title="src/x.ts". */
function labelFromInfo(info: string): string | null {
  for (const raw of info.trim().split(/\s+/)) {
    let token = raw.replace(/^(?:title|file|filename|path|name)=/i, "").replace(/^["']|["']$/g, "");
    if (!pathLike(token) && token.includes(":")) token = token.slice(token.indexOf(":") + 1);
    if (token && pathLike(token)) return token;
  }
  return null;
}

/** A path alone on the line before a fence. */
function labelFromLine(line: string | undefined): string | null {
  if (line === undefined) return null;
  const t = unwrap(line);
  return t !== "" && !/\s/.test(t) && pathLike(t) ? t : null;
}

function findFences(lines: readonly string[]): Fence[] {
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]!);
    if (!m) continue;
    const fence = m[1]!;
    const info = m[2]!.trim();
    let close = lines.length;
    for (let j = i + 1; j < lines.length; j++) {
      const c = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (c && c[1]![0] === fence[0] && c[1]!.length >= fence.length) {
        close = j;
        break;
      }
    }
    const body = lines.slice(i + 1, close).join("\n");
    const label = labelFromInfo(info) ?? labelFromLine(lines[i - 1]);
    fences.push({ info, label, body: body === "" ? "" : `${body}\n`, open: i, close });
    i = close;
  }
  return fences;
}

export function extractEdits(reply: string): Extracted {
  const lines = reply.replace(/\r\n/g, "\n").split("\n");
  const fences = findFences(lines);
  const diffs: DiffSource[] = [];
  const wholeFiles: WholeFileSource[] = [];
  for (const f of fences) {
    const lang = (f.info.split(/\s+/)[0] ?? "").toLowerCase();
    const isDiffLang = DIFF_LANGS.has(lang);
    if (isDiffLang || looksLikeDiff(f.body)) {
      diffs.push({ text: f.body, fenced: true, allowHeaderless: isDiffLang, label: f.label, unclosed: f.close === lines.length });
    } else if (f.label !== null) {
      wholeFiles.push({ label: f.label, content: f.body, unclosed: f.close === lines.length });
    }
  }
  if (diffs.length === 0) {
    // An unfenced diff: look at the reply with fenced blocks blanked out.
    const outside = lines.map((l, i) => (fences.some((f) => i >= f.open && i <= f.close) ? "" : l)).join("\n");
    if (looksLikeDiff(outside)) diffs.push({ text: outside, fenced: false, allowHeaderless: false, label: null, unclosed: false });
  }
  return { diffs, wholeFiles };
}
