// Writing owned files as one unit. Every new content is staged next to its file (written,
// given the file's mode and owner, fsynced), and only then renamed into place, so a failure
// while staging leaves the workspace untouched and a failure while renaming leaves only the
// files renamed so far, which the caller rolls back. No temp file stays behind either way.
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { mkdir, open, readlink, rename, stat, symlink, unlink } from "node:fs/promises";
import path from "node:path";

export interface FileWrite {
  rel: string;
  /** Where the bytes go: the owned path, or the target of the symlink there. */
  file: string;
  /** The new bytes; null deletes the file. */
  content: Buffer | null;
  /** Mode bits to give the file; null keeps the file's own (or the default for a new one). */
  mode: number | null;
}

export type CommitResult = { ok: true } | { ok: false; rel: string; code: string; committed: string[] };

export interface CommitHooks {
  /** Told of every folder made for a new file. */
  onCreatedDir(dir: string): void;
  /** The temp files that exist right now, so that a hard exit can remove them too. */
  temps: Set<string>;
}

/** Commits every write, or reports the file that failed and the ones already renamed. */
export async function commitFiles(writes: readonly FileWrite[], hooks: CommitHooks): Promise<CommitResult> {
  const staged: Array<{ write: FileWrite; tmp: string | null }> = [];
  const drop = async (from: number) => {
    for (const s of staged.slice(from)) if (s.tmp) await unlink(s.tmp).catch(() => {}).finally(() => hooks.temps.delete(s.tmp!));
  };
  for (const write of writes) {
    try {
      staged.push({ write, tmp: write.content === null ? null : await stage(write, hooks) });
    } catch (err) {
      await drop(0);
      return { ok: false, rel: write.rel, code: codeOf(err), committed: [] };
    }
  }
  const committed: string[] = [];
  for (const [i, { write, tmp }] of staged.entries()) {
    try {
      if (tmp) {
        await rename(tmp, write.file);
        hooks.temps.delete(tmp);
      } else {
        await unlink(write.file).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
      }
      committed.push(write.rel);
    } catch (err) {
      await drop(i);
      return { ok: false, rel: write.rel, code: codeOf(err), committed };
    }
  }
  // The renames themselves reach the disk only when their folders are synced.
  for (const dir of new Set(staged.map((s) => path.dirname(s.write.file)))) await syncFolder(dir);
  return { ok: true };
}

/** The same writes, synchronously and one file at a time, for a process that must exit now. Returns the failures. */
export function commitFilesSync(writes: readonly FileWrite[], temps: Set<string>): Array<{ rel: string; code: string }> {
  const failed: Array<{ rel: string; code: string }> = [];
  for (const write of writes) {
    let tmp: string | null = null;
    try {
      if (write.content === null) {
        try {
          unlinkSync(write.file);
        } catch (err) {
          if (codeOf(err) !== "ENOENT") throw err;
        }
        continue;
      }
      const mode = write.mode ?? (statSync(write.file, { throwIfNoEntry: false })?.mode ?? defaultMode()) & 0o7777;
      tmp = tempName(write.file);
      temps.add(tmp);
      const fd = openSync(tmp, "wx", 0o600);
      try {
        writeSync(fd, write.content);
        fchmodSync(fd, mode);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, write.file);
      temps.delete(tmp);
    } catch (err) {
      failed.push({ rel: write.rel, code: codeOf(err) });
      if (tmp) removeSync(tmp, temps);
    }
  }
  return failed;
}

/** Puts the symlink at `at` back to `text` when something replaced or removed it; returns the error code, or null. */
export async function restoreLink(at: string, text: string): Promise<string | null> {
  if ((await readlink(at).catch(() => null)) === text) return null;
  const tmp = tempName(at);
  try {
    await symlink(text, tmp);
    await rename(tmp, at);
    return null;
  } catch (err) {
    await unlink(tmp).catch(() => {});
    return codeOf(err);
  }
}

/** Removes temp files a commit left (an interrupted one). */
export function removeTempsSync(temps: Set<string>): void {
  for (const tmp of [...temps]) removeSync(tmp, temps);
}

/** The temp names this module uses next to `file`, so a recovery can find a killed run's leftovers. */
export function isTempOf(file: string, name: string): boolean {
  const base = path.basename(file);
  return name.startsWith(`.${base}.smol-`) && name.endsWith(".tmp") && name.length === base.length + 19;
}

async function stage(write: FileWrite, hooks: CommitHooks): Promise<string> {
  const dir = path.dirname(write.file);
  const made = await mkdir(dir, { recursive: true });
  if (made) for (let d = dir; d.length >= made.length; d = path.dirname(d)) hooks.onCreatedDir(d);
  const now = await stat(write.file).catch(() => null);
  const tmp = tempName(write.file);
  hooks.temps.add(tmp);
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(write.content!);
    // chmod, not the mode of open(): that one is cut by the umask.
    await handle.chmod(write.mode ?? (now ? now.mode & 0o7777 : defaultMode()));
    // The file keeps its owner where we may set it (running as root on another user's file).
    if (now && (now.uid !== process.getuid?.() || now.gid !== process.getgid?.())) await handle.chown(now.uid, now.gid).catch(() => {});
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.smol-${randomBytes(4).toString("hex")}.tmp`);
}

function defaultMode(): number {
  return 0o666 & ~process.umask();
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => null);
  if (!handle) return;
  // Some systems cannot fsync a folder; the rename is then as durable as they make it.
  await handle.sync().catch(() => {});
  await handle.close();
}

function removeSync(tmp: string, temps: Set<string>): void {
  try {
    unlinkSync(tmp);
  } catch {
    // Already gone (renamed, or never created).
  }
  temps.delete(tmp);
}

export function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
}
