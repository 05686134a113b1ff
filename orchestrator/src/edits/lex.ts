// A forgiving reader for the unified diffs small models write. It accepts what `patch` and
// jsdiff's parsePatch refuse — bare `@@` headers, wrong counts, missing prefixes, blank context
// lines whose leading space was stripped — and produces a clean structure that is then
// re-serialised with correct headers (see normalise.ts). Counts in headers are never trusted;
// line numbers are kept only as a hint for choosing between equally good matches.

type Op = " " | "-" | "+";

export interface HunkLine {
  op: Op;
  text: string;
}

export interface LexHunk {
  /** 1-based old start line from the header, null when absent. */
  oldStart: number | null;
  /** Line counts as the header declares them (not trusted; used to spot a cut-off reply). */
  oldCount: number | null;
  newCount: number | null;
  lines: HunkLine[];
  /** The diff says the old / new side ends without a newline (`\ No newline at end of file`). */
  noNewlineOld: boolean;
  noNewlineNew: boolean;
  /**
   * Unfenced replies only: the lines up to a blank line at which the header's counts were met
   * exactly. What follows may be prose (a "- did this" bullet list right after the diff); the
   * tolerant applier falls back to these lines when the whole hunk matches nowhere.
   */
  beforeProse?: HunkLine[];
}

export interface LexFile {
  /** Raw paths as written (prefixes still on); undefined when the diff named no file. */
  oldPath: string | undefined;
  newPath: string | undefined;
  /** Paths came from ---/+++ lines (not only from a `diff --git` line). */
  sawFileHeaders: boolean;
  gitCreate: boolean;
  gitDelete: boolean;
  hunks: LexHunk[];
}

const HUNK_HEADER = /^@@/;
const FILE_OLD = /^--- (.*)$/;
const FILE_NEW = /^\+\+\+ (.*)$/;
const GIT_HEADER = /^diff --git (.*)$/;
const GIT_EXTENDED =
  /^(index [0-9a-f]+\.\.[0-9a-f]+|new file mode|deleted file mode|old mode|new mode|similarity index|dissimilarity index|rename from|rename to|copy from|copy to|Binary files)/;
const OTHER_HEADER = /^(Index: |={20,}$|diff -|Only in )/;
const NO_NEWLINE = /^\\ /;

function parseHunkHeader(line: string): { oldStart: number | null; oldCount: number | null; newCount: number | null } {
  const old = /-(\d+)(?:,(\d+))?/.exec(line);
  const neu = /\+(\d+)(?:,(\d+))?/.exec(line);
  return {
    oldStart: old ? Number(old[1]) : null,
    oldCount: old ? Number(old[2] ?? 1) : null,
    newCount: neu ? Number(neu[2] ?? 1) : null,
  };
}

function stripPathNoise(raw: string): string {
  // "--- a/x.ts\t2024-01-01 10:00:00" — drop the timestamp after a tab, or after 2+ spaces
  let p = raw.split("\t")[0]!.trimEnd();
  const ts = /^(.*?\S)\s{2,}\d{4}-\d\d-\d\d.*$/.exec(p);
  if (ts) p = ts[1]!;
  return p.trim();
}

/** Paths from `diff --git a/x b/y` (the common same-name case; quoted names handled simply). */
function parseGitPaths(rest: string): { oldPath: string; newPath: string } | null {
  const quoted = /^"([^"]*)" "([^"]*)"$/.exec(rest);
  if (quoted) return { oldPath: quoted[1]!, newPath: quoted[2]! };
  const parts = rest.split(" ");
  if (parts.length % 2 === 0) {
    const half = parts.length / 2;
    return { oldPath: parts.slice(0, half).join(" "), newPath: parts.slice(half).join(" ") };
  }
  const mid = rest.indexOf(" b/");
  if (mid > 0) return { oldPath: rest.slice(0, mid), newPath: rest.slice(mid + 1) };
  return null;
}

interface LexOptions {
  /**
   * Inside a fenced diff block nothing but diff is expected, so an unprefixed line between
   * diff lines is a context line that lost its leading space. In an unfenced reply it is prose
   * and ends the hunk.
   */
  fenced: boolean;
  /** Allow a hunk without an `@@` line (a fenced diff block of bare +/-/space lines). */
  allowHeaderless: boolean;
}

/** How many lines a hunk has on its old side (context + removed) and its new side (context + added). */
export function sideCounts(lines: readonly HunkLine[]): { old: number; new: number } {
  return { old: lines.filter((l) => l.op !== "+").length, new: lines.filter((l) => l.op !== "-").length };
}

/** True when the text contains something that starts a diff. */
export function looksLikeDiff(text: string): boolean {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (GIT_HEADER.test(line)) return true;
    if (/^@@( |$|@)/.test(line) || line === "@@") return true;
    if (FILE_OLD.test(line) && FILE_NEW.test(lines[i + 1] ?? "")) return true;
  }
  return false;
}

export function lexDiff(text: string, options: LexOptions): LexFile[] {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop();
  const files: LexFile[] = [];
  let file: LexFile | undefined;
  let hunk: LexHunk | undefined;
  /** Blank or unprefixed lines seen inside a hunk, kept only if more diff lines follow. */
  let pending: string[] = [];
  let lastOp: Op | undefined;
  let gitFile: LexFile | undefined;
  const hasHunkHeader = lines.some((l) => HUNK_HEADER.test(l));

  const newFile = (oldPath: string | undefined, newPath: string | undefined): LexFile => {
    const f: LexFile = { oldPath, newPath, sawFileHeaders: false, gitCreate: false, gitDelete: false, hunks: [] };
    files.push(f);
    return f;
  };
  const endHunk = () => {
    hunk = undefined;
    pending = [];
    lastOp = undefined;
  };
  const openHunk = (header: ReturnType<typeof parseHunkHeader>) => {
    endHunk();
    file ??= newFile(undefined, undefined);
    hunk = { ...header, lines: [], noNewlineOld: false, noNewlineNew: false };
    file.hunks.push(hunk);
  };
  const push = (op: Op, text: string) => {
    if (!hunk) return;
    for (const p of pending) hunk.lines.push({ op: " ", text: p });
    pending = [];
    hunk.lines.push({ op, text });
    lastOp = op;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? "";

    const git = GIT_HEADER.exec(line);
    if (git) {
      endHunk();
      const paths = parseGitPaths(git[1]!);
      file = newFile(paths?.oldPath, paths?.newPath);
      gitFile = file;
      continue;
    }
    const oldHeader = FILE_OLD.exec(line);
    if (oldHeader && (FILE_NEW.test(next) || (!hunk && HUNK_HEADER.test(next)))) {
      endHunk();
      const oldPath = stripPathNoise(oldHeader[1]!);
      const newHeader = FILE_NEW.exec(next);
      const newPath = newHeader ? stripPathNoise(newHeader[1]!) : oldPath;
      // A `diff --git` line already opened this file if it has no ---/+++ or hunks yet.
      if (file && file === gitFile && file.hunks.length === 0 && !file.sawFileHeaders) {
        file.oldPath = oldPath;
        file.newPath = newPath;
      } else {
        file = newFile(oldPath, newPath);
      }
      file.sawFileHeaders = true;
      if (newHeader) i++;
      continue;
    }
    const lonelyNew = FILE_NEW.exec(line);
    if (lonelyNew && !hunk && HUNK_HEADER.test(next)) {
      const p = stripPathNoise(lonelyNew[1]!);
      file = newFile(p, p);
      file.sawFileHeaders = true;
      continue;
    }
    if (HUNK_HEADER.test(line)) {
      openHunk(parseHunkHeader(line));
      continue;
    }
    if (!hunk) {
      if (file && GIT_EXTENDED.test(line)) {
        if (line.startsWith("new file mode")) file.gitCreate = true;
        if (line.startsWith("deleted file mode")) file.gitDelete = true;
        continue;
      }
      if (OTHER_HEADER.test(line)) continue;
      // A fenced diff block with no @@ at all: its +/-/space lines are one hunk.
      if (options.allowHeaderless && !hasHunkHeader && /^[-+ ]/.test(line)) {
        openHunk({ oldStart: null, oldCount: null, newCount: null });
      } else {
        continue;
      }
    }
    // Inside a hunk.
    if (OTHER_HEADER.test(line) && !/^[-+ ]/.test(line)) {
      endHunk();
      continue;
    }
    if (NO_NEWLINE.test(line)) {
      if (lastOp === "-" || lastOp === " ") hunk!.noNewlineOld = true;
      if (lastOp === "+" || lastOp === " ") hunk!.noNewlineNew = true;
      continue;
    }
    const c = line[0];
    if (c === " " || c === "-" || c === "+") {
      push(c, line.slice(1));
      continue;
    }
    if (line.trim() === "") {
      if (!options.fenced && pending.length === 0 && hunk!.oldCount !== null && hunk!.beforeProse === undefined) {
        const have = sideCounts(hunk!.lines);
        if (have.old === hunk!.oldCount && have.new === hunk!.newCount) hunk!.beforeProse = [...hunk!.lines];
      }
      pending.push("");
      continue;
    }
    if (options.fenced) {
      pending.push(line);
      continue;
    }
    endHunk(); // prose after an unfenced diff
  }
  for (const f of files) for (const h of f.hunks) if (h.beforeProse && h.beforeProse.length === h.lines.length) delete h.beforeProse;
  return files
    .map((f) => ({ ...f, hunks: f.hunks.filter((h) => h.lines.length > 0) }))
    .filter((f) => f.hunks.length > 0 || f.gitCreate || f.gitDelete);
}
