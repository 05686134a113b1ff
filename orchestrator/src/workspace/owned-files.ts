// The only code that writes into the user's workspace. It remembers each owned file's exact
// bytes and mode before the task, keeps them in a journal (when given a state folder) before the
// first write, writes changes atomically (all files or none, through symlinks to their
// targets), and puts every byte back on abort, including removing files and folders the task
// created. A process that must exit at once can put everything back synchronously.
import { closeSync, constants, fstatSync, openSync, readFileSync, rmdirSync } from "node:fs";
import { rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../core/errors.ts";
import { decodeText, encodeEdit } from "./bytes.ts";
import { commitFiles, commitFilesSync, removeTempsSync, restoreLink, type FileWrite } from "./commit.ts";
import { createJournal, type Journal } from "./journal.ts";
import { explainWriteError, isBinary, locateOwned, readRegular, resolveInside, resolveWorkspace, type OwnedPath } from "./locate.ts";

export { resolveInside, resolveWorkspace };

export type WriteResult = { ok: true } | { ok: false; file: string; message: string };

/** What a synchronous restore did, for the message a hard exit prints. */
export interface SyncRestore {
  restored: string[];
  failed: Array<{ file: string; code: string }>;
  /** The journal kept for the next run (a file failed, or a write was in flight); null when removed. */
  journal: string | null;
}

export interface OwnedFiles {
  root: string;
  /** Content before the task, as text for prompts; null where the file did not exist. */
  readonly original: ReadonlyMap<string, string | null>;
  /** Writes the given contents (null deletes) as one unit: every file lands, or none does. */
  write(changes: ReadonlyMap<string, string | null>): Promise<WriteResult>;
  /** Puts every owned file back exactly as it was before the task. */
  restore(): Promise<WriteResult>;
  /** Owned files whose content differs from the original now. */
  changed(): Promise<string[]>;
  /** The files are final (kept, or restored): the journal goes. */
  finish(): Promise<void>;
  /** restore(), synchronously, for a process that exits right after. */
  restoreSync(): SyncRestore;
}

export interface OwnedFilesOptions {
  /** The state folder: with it, the originals are journalled before the first write. */
  stateDir?: string;
  /** Open tasks' files, for a hard exit to restore; each removes itself once final. */
  live?: Set<OwnedFiles>;
}

interface Owned extends OwnedPath {
  bytes: Buffer | null;
  mode: number | null;
}

/** Checks the workspace and reads the owned files, refusing what cannot be edited as a text file. */
export async function openOwnedFiles(workspace: string, files: readonly string[], options: OwnedFilesOptions = {}): Promise<OwnedFiles> {
  const root = await resolveWorkspace(workspace);
  const owned = new Map<string, Owned>();
  for (const rel of files) owned.set(rel, await readOwned(root, rel));
  const original = new Map([...owned].map(([rel, o]) => [rel, o.bytes === null ? null : decodeText(o.bytes)]));
  const createdDirs = new Set<string>();
  const temps = new Set<string>();
  const journal: Journal | null = options.stateDir
    ? createJournal(
        options.stateDir,
        root,
        [...owned.values()].map((o) => ({ rel: o.rel, file: o.target, link: o.link === null ? null : { at: o.abs, text: o.link }, original: o.bytes, mode: o.mode })),
        await missingDirs(root, [...owned.values()]),
      )
    : null;
  let inFlight = 0;
  const hooks = { temps, onCreatedDir: (d: string) => createdDirs.add(d) };

  /** Commits `writes`; when one fails, the files already renamed get their `rollback` content (an edit's) or stay (a restore's). */
  async function commit(writes: FileWrite[], rollback: FileWrite[] | null): Promise<WriteResult> {
    inFlight++;
    try {
      const r = await commitFiles(writes, hooks);
      if (r.ok) return r;
      if (!rollback) return { ok: false, file: r.rel, message: `cannot put back ${r.rel}: ${explainWriteError(r.code)}.` };
      const undo = rollback.filter((w) => r.committed.includes(w.rel));
      const undone = undo.length === 0 ? ({ ok: true } as const) : await commitFiles(undo, hooks);
      const others = writes.length > 1 ? (undone.ok ? " The other files of the edit were put back as they were." : ` Putting back ${undone.rel} failed too (${explainWriteError(undone.code)}).`) : "";
      return { ok: false, file: r.rel, message: `cannot write ${r.rel}: ${explainWriteError(r.code)}.${others}` };
    } finally {
      inFlight--;
    }
  }

  const self: OwnedFiles = {
    root,
    original,
    async write(changes) {
      const writes: FileWrite[] = [];
      const before: FileWrite[] = [];
      for (const [rel, text] of changes) {
        const o = owned.get(rel);
        if (!o) throw new Error(`refusing to write ${rel}: not an owned file`);
        writes.push({ rel, file: o.target, content: text === null ? null : encodeEdit(o.bytes, text), mode: null });
        before.push({ rel, file: o.target, content: await readRegular(o.target, rel), mode: null });
      }
      if (journal) {
        const noted = await journal.note(writes).then(() => null, (err: NodeJS.ErrnoException) => err);
        if (noted) return { ok: false, file: journal.file, message: `cannot write the journal ${journal.file} (${explainWriteError(noted.code ?? noted.message)}), so no edit was written. Set SMOL_STATE_DIR to a writable folder.` };
      }
      return commit(writes, before);
    },
    async restore() {
      const back: FileWrite[] = [];
      for (const o of owned.values()) {
        // Untouched files keep their mtime, so incremental tools and editors see no change.
        if (!same(await readRegular(o.target, o.rel), o.bytes)) back.push({ rel: o.rel, file: o.target, content: o.bytes, mode: o.mode });
      }
      const done = back.length === 0 ? ({ ok: true } as const) : await commit(back, null);
      if (!done.ok) return { ok: false, file: done.file, message: `${done.message} ${keptNote(journal)}` };
      for (const o of owned.values()) {
        const relinked = o.link === null ? null : await restoreLink(o.abs, o.link);
        if (relinked) return { ok: false, file: o.rel, message: `cannot put back the symlink ${o.rel}: ${explainWriteError(relinked)}.` };
      }
      // Deepest first, and only while empty: a folder the user filled meanwhile stays.
      for (const dir of [...createdDirs].sort((a, b) => b.length - a.length)) await rmdir(dir).catch(() => {});
      createdDirs.clear();
      return { ok: true };
    },
    async changed() {
      const out: string[] = [];
      for (const o of owned.values()) if (!same(await readRegular(o.target, o.rel), o.bytes)) out.push(o.rel);
      return out;
    },
    async finish() {
      await journal?.remove();
      options.live?.delete(self);
    },
    restoreSync() {
      removeTempsSync(temps);
      const back = [...owned.values()].filter((o) => !same(readSync(o.target), o.bytes));
      const failed = commitFilesSync(back.map((o) => ({ rel: o.rel, file: o.target, content: o.bytes, mode: o.mode })), temps).map((f) => ({ file: f.rel, code: f.code }));
      for (const dir of [...createdDirs].sort((a, b) => b.length - a.length)) {
        try {
          rmdirSync(dir);
        } catch {
          // Not empty, or gone.
        }
      }
      // A rename still in flight in the thread pool could land after this: then the journal stays for the next run to check.
      const keep = failed.length > 0 || inFlight > 0;
      if (!keep) {
        journal?.removeSync();
        options.live?.delete(self);
      }
      return { restored: back.map((o) => o.rel).filter((rel) => !failed.some((f) => f.file === rel)), failed, journal: keep ? (journal?.file ?? null) : null };
    },
  };
  options.live?.add(self);
  return self;
}

/** One owned file as the task starts: where it is, its bytes and mode, refused when it cannot be edited as text. */
export async function readOwned(root: string, rel: string): Promise<Owned> {
  const found = await locateOwned(root, rel);
  if (!found.ok) throw new InputError(found.problem);
  const bytes = found.path.exists ? await readRegular(found.path.target, rel) : null;
  if (bytes && isBinary(bytes)) throw new InputError(binaryProblem(rel));
  const mode = bytes === null ? null : (await stat(found.path.target)).mode & 0o7777;
  return { ...found.path, bytes, mode };
}

export function binaryProblem(rel: string): string {
  return `${rel} is a binary file (it has NUL bytes, as git judges it); smol-coder edits text files only; remove it from filesOwned`;
}

/** Folders on the way to the owned files that do not exist yet, shallowest first. */
async function missingDirs(root: string, files: readonly Owned[]): Promise<string[]> {
  const dirs = new Set<string>();
  for (const f of files) {
    if (f.exists) continue;
    for (let d = path.dirname(f.target); d.length > root.length; d = path.dirname(d)) {
      if (await stat(d).catch(() => null)) break;
      dirs.add(d);
    }
  }
  return [...dirs].sort((a, b) => a.length - b.length);
}

function keptNote(journal: Journal | null): string {
  return journal
    ? `Its original bytes are kept in the journal ${journal.file}; once the cause is fixed, the next run in this workspace puts them back.`
    : "Its original bytes could not be put back.";
}

function readSync(file: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : null;
  } finally {
    closeSync(fd);
  }
}

function same(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}
