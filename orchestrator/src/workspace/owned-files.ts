// The only code that writes into the user's workspace. It remembers each owned file's exact
// bytes before the task, writes changes atomically (temp file + rename, all files or none) and
// puts every byte back on abort, including removing files and folders the task created.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readFile, readlink, realpath, rename, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../core/errors.ts";

export interface OwnedFiles {
  root: string;
  /** Content before the task, as text for prompts; null where the file did not exist. */
  readonly original: ReadonlyMap<string, string | null>;
  /** Writes the given contents (null deletes) as one unit: every file lands, or none does. */
  write(changes: ReadonlyMap<string, string | null>): Promise<void>;
  /** Puts every owned file back exactly as it was before the task. */
  restore(): Promise<void>;
  /** Owned files whose content differs from the original now. */
  changed(): Promise<string[]>;
}

/** Checks the workspace and reads the owned files, refusing paths that escape it through symlinks. */
export async function openOwnedFiles(workspace: string, owned: readonly string[]): Promise<OwnedFiles> {
  const root = await resolveWorkspace(workspace);
  const bytes = new Map<string, Buffer | null>();
  for (const rel of owned) {
    const abs = await resolveInside(root, rel);
    bytes.set(rel, await readIfPresent(abs, rel));
  }
  const original = new Map([...bytes].map(([rel, b]) => [rel, b === null ? null : b.toString("utf8")]));
  const createdDirs = new Set<string>();

  async function commit(target: Map<string, Buffer | null>): Promise<void> {
    // Stage every new content next to its target first; only then rename, so a failure while
    // staging leaves the workspace untouched and a failure while renaming is rolled back.
    const staged: Array<{ abs: string; tmp: string | null }> = [];
    try {
      for (const [rel, content] of target) {
        const abs = await resolveInside(root, rel);
        if (content === null) {
          staged.push({ abs, tmp: null });
          continue;
        }
        const dir = path.dirname(abs);
        const made = await mkdir(dir, { recursive: true });
        if (made) recordCreatedDirs(made, dir);
        const tmp = path.join(dir, `.${path.basename(abs)}.smol-${randomBytes(4).toString("hex")}.tmp`);
        await writeFile(tmp, content, { mode: await modeOf(abs) });
        staged.push({ abs, tmp });
      }
    } catch (err) {
      await Promise.all(staged.map((s) => (s.tmp ? unlink(s.tmp).catch(() => {}) : undefined)));
      throw err;
    }
    for (const s of staged) {
      if (s.tmp) await rename(s.tmp, s.abs);
      else await unlink(s.abs).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
    }
  }

  function recordCreatedDirs(firstMade: string, deepest: string): void {
    for (let d = deepest; d.length >= firstMade.length; d = path.dirname(d)) createdDirs.add(d);
  }

  async function current(rel: string): Promise<Buffer | null> {
    return readIfPresent(await resolveInside(root, rel), rel);
  }

  return {
    root,
    original,
    async write(changes) {
      const target = new Map<string, Buffer | null>();
      for (const [rel, text] of changes) {
        if (!bytes.has(rel)) throw new Error(`refusing to write ${rel}: not an owned file`);
        target.set(rel, text === null ? null : Buffer.from(text, "utf8"));
      }
      const before = new Map<string, Buffer | null>();
      for (const rel of target.keys()) before.set(rel, await current(rel));
      try {
        await commit(target);
      } catch (err) {
        await commit(before).catch(() => {});
        throw err;
      }
    },
    async restore() {
      const back = new Map<string, Buffer | null>();
      for (const [rel, orig] of bytes) {
        const now = await current(rel);
        // Untouched files keep their mtime, so incremental tools and editors see no change.
        if (!sameBytes(now, orig)) back.set(rel, orig);
      }
      if (back.size > 0) await commit(back);
      // Deepest first, and only while empty: a folder the user filled meanwhile stays.
      for (const dir of [...createdDirs].sort((a, b) => b.length - a.length)) {
        await rmdir(dir).catch(() => {});
      }
      createdDirs.clear();
    },
    async changed() {
      const out: string[] = [];
      for (const [rel, orig] of bytes) if (!sameBytes(await current(rel), orig)) out.push(rel);
      return out;
    },
  };
}

export async function resolveWorkspace(workspace: string): Promise<string> {
  const info = await stat(workspace).catch(() => null);
  if (!info) throw new InputError(`workspace ${workspace} does not exist`);
  if (!info.isDirectory()) throw new InputError(`workspace ${workspace} is not a directory`);
  return realpath(workspace);
}

/**
 * The absolute path of `rel` inside `root`. Every existing component is checked, so a symlink
 * anywhere on the way that leads out of the workspace is refused rather than written through.
 */
export async function resolveInside(root: string, rel: string, depth = 0): Promise<string> {
  const abs = path.resolve(root, rel);
  if (!isInside(root, abs)) throw new InputError(`${rel} leaves the workspace`);
  let existing = abs;
  for (;;) {
    const info = await lstat(existing).catch(() => null);
    if (info) break;
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const real = await realpath(existing).catch(async () => {
    // A dangling symlink: realpath fails, so judge where the link itself points.
    const target = path.resolve(path.dirname(existing), await readlink(existing));
    return isInside(root, target) ? (depth < 8 ? resolveInside(root, path.relative(root, target), depth + 1) : target) : target;
  });
  if (!isInside(root, real)) throw new InputError(`${rel} resolves outside the workspace through a symlink`);
  return abs;
}

function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

async function readIfPresent(abs: string, rel: string): Promise<Buffer | null> {
  try {
    return await readFile(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EISDIR") throw new InputError(`${rel} is a directory, not a file`);
    if (code === "ENOTDIR") throw new InputError(`${rel} cannot exist: a folder on its path is a file`);
    throw err;
  }
}

async function modeOf(abs: string): Promise<number> {
  const info = await stat(abs).catch(() => null);
  return info ? info.mode & 0o7777 : 0o644;
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}
