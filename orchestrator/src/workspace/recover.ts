// The next start after a run died with an unverified edit in place (SIGKILL, a power cut): its
// journal says what each file held before and what the run wrote. Files that still hold one of
// those are put back, except what HEAD holds already (that run's edit was committed before it
// died); a file that holds anything else was changed since (by the user), and then nothing is
// put back until the user chooses. Journals of processes that still run are theirs.
import { constants } from "node:fs";
import { access, lstat, mkdir, readdir, readlink, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import { stampIsAlive, type ProcessStamp } from "../concurrency/process-stamp.ts";
import type { SmolEvent } from "../core/events.ts";
import { codeOf, commitFiles, isTempOf, restoreLink, type FileWrite } from "./commit.ts";
import { journalFolder, readJournals, stateOf, type JournalDoc, type JournalEntry } from "./journal.ts";
import { explainWriteError, readRegular } from "./locate.ts";

/** What was found and done for one journal: exactly what `journal_recovered` reports. */
export type Recovered = Omit<Extract<SmolEvent, { event: "journal_recovered" }>, "event">;

export interface Conflict {
  journal: string;
  pid: number;
  startedAt: string;
  /** Owned files that hold neither their original nor what that run wrote. */
  changed: string[];
}

export interface RecoveryResult {
  recovered: Recovered[];
  conflicts: Conflict[];
  /** Journals that cannot be read, with why. */
  unreadable: Array<{ journal: string; problem: string }>;
  /** Journals whose originals could not all be written back (the journal stays). */
  failed: Array<{ journal: string; problem: string }>;
}

export interface RecoverOptions {
  stateDir: string;
  root: string;
  /** Put the originals back even over files changed since (the user chose so). */
  force?: boolean;
  isAlive?: (stamp: ProcessStamp) => boolean;
  /** Whether HEAD holds these bytes for the file (git/head-holds.ts); none: never. */
  committed?: (rel: string, content: Buffer) => Promise<boolean>;
}

export async function recoverWorkspace(options: RecoverOptions): Promise<RecoveryResult> {
  const isAlive = options.isAlive ?? stampIsAlive;
  const result: RecoveryResult = { recovered: [], conflicts: [], unreadable: [], failed: [] };
  for (const stored of await readJournals(options.stateDir, options.root)) {
    if ("error" in stored) {
      result.unreadable.push({ journal: stored.file, problem: stored.error });
      continue;
    }
    const { doc, file } = stored;
    if (isAlive(doc.owner)) continue;
    const states = await Promise.all(doc.files.map((entry) => stateNow(entry, options.committed)));
    const changed = doc.files.filter((_, i) => states[i] === "changed").map((e) => e.path);
    const who = { journal: file, pid: doc.owner.pid, startedAt: doc.startedAt };
    if (changed.length > 0 && !options.force) {
      result.conflicts.push({ ...who, changed });
      continue;
    }
    const problem = await putBack(doc, states);
    if (problem) {
      result.failed.push({ journal: file, problem });
      continue;
    }
    await unlink(file).catch(() => {});
    const named = (...these: FileState[]) => doc.files.filter((_, i) => these.includes(states[i]!)).map((e) => e.path);
    result.recovered.push({ ...who, restored: named("ours", "changed"), unchanged: named("original"), committed: named("committed") });
  }
  return result;
}

/** Why journals cannot be kept for this workspace, or null: checked before anything is written. */
export async function journalFolderProblem(stateDir: string, root: string): Promise<string | null> {
  const folder = journalFolder(stateDir, root);
  try {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
    return null;
  } catch (err) {
    return `cannot write the journal folder ${folder} (${explainWriteError(codeOf(err))}): smol-coder keeps the original bytes of the files it edits there until they are final. Set SMOL_STATE_DIR to a writable folder.`;
  }
}

/** Whether the workspace has a journal to look at: one whose process is gone, or one that cannot be read. Takes no lock. */
export async function hasStaleJournals(stateDir: string, root: string, isAlive: (stamp: ProcessStamp) => boolean = stampIsAlive): Promise<boolean> {
  return (await readJournals(stateDir, root)).some((j) => "error" in j || !isAlive(j.doc.owner));
}

type FileState = "original" | "ours" | "committed" | "changed";

async function stateNow(entry: JournalEntry, committed: RecoverOptions["committed"]): Promise<FileState> {
  if (entry.link && (await readlink(entry.link.at).catch(() => null)) !== entry.link.text) return "changed";
  let bytes: Buffer | null;
  try {
    bytes = await readRegular(entry.file, entry.path);
  } catch {
    // Not a regular file any more: not something that run left.
    return "changed";
  }
  const now = stateOf(bytes);
  if (now === stateOf(originalOf(entry))) return "original";
  if (!entry.written.includes(now)) return "changed";
  return bytes !== null && committed && (await committed(entry.path, bytes)) ? "committed" : "ours";
}

/** Writes every original back, then clears that run's temp files and the folders it made; returns what failed. */
async function putBack(doc: JournalDoc, states: readonly FileState[]): Promise<string | null> {
  const writes: FileWrite[] = doc.files
    .filter((_, i) => states[i] === "ours" || states[i] === "changed")
    .map((e) => ({ rel: e.path, file: e.file, content: originalOf(e), mode: e.mode }));
  const done = await commitFiles(writes, { temps: new Set(), onCreatedDir: () => {} });
  if (!done.ok) return `cannot put back ${done.rel}: ${explainWriteError(done.code)}`;
  for (const e of doc.files) {
    const relinked = e.link ? await restoreLink(e.link.at, e.link.text) : null;
    if (relinked) return `cannot put back the symlink ${e.path}: ${explainWriteError(relinked)}`;
    await removeTemps(e.file);
  }
  for (const dir of [...doc.createdDirs].reverse()) {
    if ((await lstat(dir).catch(() => null))?.isDirectory()) await rmdir(dir).catch(() => {});
  }
  return null;
}

async function removeTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (isTempOf(file, name)) await unlink(path.join(dir, name)).catch(() => {});
  }
}

function originalOf(entry: JournalEntry): Buffer | null {
  return entry.original === null ? null : Buffer.from(entry.original, "base64");
}
