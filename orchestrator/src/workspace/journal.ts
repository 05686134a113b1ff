// The journal of a task's original files, so that a run killed (SIGKILL, a power cut) while an
// unverified edit is in place can be undone by the next run. It is written and fsynced before
// the first write to the workspace, records a hash of every content written after, and is
// removed once the task's files are final. One JSON file per task, in
// STATE_DIR/journals/<hash of the workspace path>/.
import { createHash, randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { currentProcessStamp } from "../concurrency/process-stamp.ts";
import { pidIsAlive } from "../concurrency/pid.ts";

const EntrySchema = z
  .object({
    /** The owned path, relative to the workspace. */
    path: z.string(),
    /** Where its bytes live (the target, for a symlinked owned file). */
    file: z.string(),
    /** The symlink at the owned path, as it was. */
    link: z.object({ at: z.string(), text: z.string() }).strict().nullable(),
    /** The bytes before the task, base64; null when the file did not exist. */
    original: z.string().nullable(),
    mode: z.number().int().nullable(),
    /** stateOf() of every content the task wrote to the file. */
    written: z.array(z.string()),
  })
  .strict();

export const JournalSchema = z
  .object({
    version: z.literal(1),
    workspace: z.string(),
    owner: z.object({ pid: z.number().int(), bootId: z.string().nullable(), startTicks: z.string().nullable() }).strict(),
    startedAt: z.string(),
    files: z.array(EntrySchema),
    /** Folders that did not exist when the task started, deepest last. */
    createdDirs: z.array(z.string()),
  })
  .strict();
export type JournalDoc = z.infer<typeof JournalSchema>;
export type JournalEntry = z.infer<typeof EntrySchema>;

export interface JournalOriginal {
  rel: string;
  file: string;
  link: { at: string; text: string } | null;
  original: Buffer | null;
  mode: number | null;
}

export interface Journal {
  /** The journal's path, for messages. */
  readonly file: string;
  /** Records the contents about to be written (null: deleted), durably, before they are. The first call writes the originals. */
  note(writes: ReadonlyArray<{ rel: string; content: Buffer | null }>): Promise<void>;
  /** The files are final: the journal goes. */
  remove(): Promise<void>;
  removeSync(): void;
}

/** The journal folder of one workspace. */
export function journalFolder(stateDir: string, root: string): string {
  return path.join(stateDir, "journals", createHash("sha256").update(root).digest("hex").slice(0, 16));
}

/** "absent" for a missing file, else the sha256 of its bytes. */
export function stateOf(bytes: Buffer | null): string {
  return bytes === null ? "absent" : createHash("sha256").update(bytes).digest("hex");
}

/** A journal for one task; nothing is written until the first note(). */
export function createJournal(stateDir: string, root: string, originals: readonly JournalOriginal[], createdDirs: readonly string[]): Journal {
  const folder = journalFolder(stateDir, root);
  const file = path.join(folder, `${process.pid}-${randomBytes(4).toString("hex")}.json`);
  const doc: JournalDoc = {
    version: 1,
    workspace: root,
    owner: currentProcessStamp(),
    startedAt: new Date().toISOString(),
    files: originals.map((o) => ({
      path: o.rel,
      file: o.file,
      link: o.link,
      original: o.original === null ? null : o.original.toString("base64"),
      mode: o.mode,
      written: [],
    })),
    createdDirs: [...createdDirs],
  };
  let written = false;
  return {
    file,
    async note(writes) {
      let changed = !written;
      for (const w of writes) {
        const entry = doc.files.find((f) => f.path === w.rel);
        const state = stateOf(w.content);
        if (entry && !entry.written.includes(state)) {
          entry.written.push(state);
          changed = true;
        }
      }
      if (!changed) return;
      await mkdir(folder, { recursive: true });
      await writeDurably(file, `${JSON.stringify(doc)}\n`);
      written = true;
    },
    async remove() {
      if (written) await unlink(file).catch(() => {});
      written = false;
    },
    removeSync() {
      if (!written) return;
      try {
        unlinkSync(file);
      } catch {
        // Gone already.
      }
      written = false;
    },
  };
}

export type StoredJournal = { file: string; doc: JournalDoc } | { file: string; error: string };

/** Every journal of the workspace, read and checked; a journal temp file of a dead process is removed. */
export async function readJournals(stateDir: string, root: string): Promise<StoredJournal[]> {
  const folder = journalFolder(stateDir, root);
  const names = await readdir(folder).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? [] : Promise.reject(err)));
  const out: StoredJournal[] = [];
  for (const name of names.sort()) {
    const file = path.join(folder, name);
    if (name.endsWith(".tmp")) {
      // Killed while writing a journal: the journal before it (if any) is whole; this is not.
      if (!pidIsAlive(Number(name.split("-")[0]))) await unlink(file).catch(() => {});
      continue;
    }
    if (!name.endsWith(".json")) continue;
    try {
      const doc = JournalSchema.parse(JSON.parse(await readFile(file, "utf8")));
      out.push(doc.workspace === root ? { file, doc } : { file, error: `it belongs to ${doc.workspace}` });
    } catch (err) {
      out.push({ file, error: err instanceof z.ZodError ? "it is not a smol-coder journal" : (err as Error).message });
    }
  }
  return out;
}

/** Write to a temp file, fsync it, rename it into place, fsync the folder: whole or not at all. */
async function writeDurably(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), "r").catch(() => null);
  if (dir) {
    await dir.sync().catch(() => {});
    await dir.close();
  }
}
