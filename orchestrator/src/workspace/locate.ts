// Where an owned path is and what stands there, found with lstat and never by opening it, so a
// FIFO, a socket or a device can never block a read and a folder is never taken for a file.
// Symlinks are followed only inside the workspace: the content of a linked owned file lives at
// the link's target, and that is where it is read and written.
import { constants } from "node:fs";
import { access, lstat, open, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Stats } from "node:fs";
import { InputError } from "../core/errors.ts";

export interface OwnedPath {
  rel: string;
  /** The path the task names. */
  abs: string;
  /** Where the content is read and written: `abs`, or the file the symlink at `abs` leads to. */
  target: string;
  /** The text of the symlink at `abs` (as readlink gives it), or null when `abs` is no link. */
  link: string | null;
  /** Whether `target` exists; a missing one is created by the first write. */
  exists: boolean;
}

export type Located = { ok: true; path: OwnedPath } | { ok: false; problem: string };

const MAX_LINKS = 8;
/** Git calls a file binary when its first 8000 bytes hold a NUL (xdiff's buffer_is_binary). */
const BINARY_PROBE_BYTES = 8000;

export async function resolveWorkspace(workspace: string): Promise<string> {
  const info = await stat(workspace).catch(() => null);
  if (!info) throw new InputError(`workspace ${workspace} does not exist`);
  if (!info.isDirectory()) throw new InputError(`workspace ${workspace} is not a directory`);
  return realpath(workspace);
}

/** What stands at an owned path: a file (or a link to one, inside the workspace), nothing yet, or a refusal. */
export async function locateOwned(root: string, rel: string): Promise<Located> {
  const first = await insidePath(root, rel);
  if (!first.ok) return first;
  const abs = first.abs;
  let target = abs;
  let link: string | null = null;
  for (let hop = 0; ; hop++) {
    const info = await lstat(target).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) return missingOrRefused(root, rel, abs, target, link, info);
    if (info.isFile()) return { ok: true, path: { rel, abs, target, link, exists: true } };
    if (!info.isSymbolicLink()) return { ok: false, problem: `${rel}${via(root, abs, target)} is ${kindOf(info)}, not a regular file` };
    if (hop >= MAX_LINKS) return { ok: false, problem: `${rel} goes through more than ${MAX_LINKS} symlinks` };
    const text = await readlink(target);
    if (hop === 0) link = text;
    // Relative to the folder the link is in, as the kernel reads it (that folder may itself be a link).
    const next = path.resolve(await realpath(path.dirname(target)), text);
    const inside = await insidePath(root, path.relative(root, next));
    if (!inside.ok) return { ok: false, problem: `${rel} resolves outside the workspace through a symlink` };
    target = inside.abs;
  }
}

/** locateOwned for callers that refuse at once: the path, or an InputError. */
export async function resolveInside(root: string, rel: string): Promise<string> {
  const found = await insidePath(root, rel);
  if (!found.ok) throw new InputError(found.problem);
  return found.abs;
}

/** The bytes of a regular file, or null when it is absent; never blocks on a FIFO that appeared meanwhile. */
export async function readRegular(file: string, rel: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a file where a folder on the way should be, so this file cannot exist either.
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputError(`${rel} is ${kindOf(info)}, not a regular file`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

/** Why the file at `p` could not be written, or null: checked with access(2), which opens nothing. */
export async function writeProblem(root: string, p: OwnedPath): Promise<string | null> {
  const folder = await nearestExisting(path.dirname(p.target));
  const denied = async (file: string) => access(file, constants.W_OK).then(() => null, (err: NodeJS.ErrnoException) => err.code ?? "EACCES");
  const dirCode = await denied(folder);
  if (dirCode) return `cannot write ${p.rel}: its folder ${path.relative(root, folder) || "."} is not writable (${explainWriteError(dirCode)})`;
  const fileCode = p.exists ? await denied(p.target) : null;
  if (fileCode) return `cannot write ${p.rel}${via(root, p.abs, p.target)}: ${explainWriteError(fileCode)}`;
  return null;
}

/** A short reason for the error codes a write into the workspace meets. */
export function explainWriteError(code: string): string {
  switch (code) {
    case "EACCES":
      return "EACCES, permission denied";
    case "EPERM":
      return "EPERM, operation not permitted: the file or its folder is immutable or append-only (lsattr shows it, chattr -i clears it)";
    case "EROFS":
      return "EROFS, read-only file system";
    case "ENOSPC":
    case "EDQUOT":
      return `${code}, no space left on the disk`;
    default:
      return code;
  }
}

async function missingOrRefused(root: string, rel: string, abs: string, target: string, link: string | null, err: NodeJS.ErrnoException): Promise<Located> {
  if (err.code === "ENOENT") return { ok: true, path: { rel, abs, target, link, exists: false } };
  if (err.code === "ENOTDIR") {
    const blocker = await fileOnPath(root, target);
    return { ok: false, problem: `${rel} cannot be a file: ${blocker ? `${blocker}, on its path, is not a folder` : "a folder on its path is a file"}` };
  }
  if (err.code === "ELOOP") return { ok: false, problem: `${rel} goes through a symlink loop` };
  return { ok: false, problem: `${rel} cannot be read: ${err.code ?? err.message}` };
}

/** The first component of `abs` below the workspace that exists and is not a folder. */
async function fileOnPath(root: string, abs: string): Promise<string | null> {
  const parts = path.relative(root, abs).split(path.sep);
  for (let i = 1; i < parts.length; i++) {
    const info = await stat(path.join(root, ...parts.slice(0, i))).catch(() => null);
    if (!info) return null;
    if (!info.isDirectory()) return parts.slice(0, i).join("/");
  }
  return null;
}

async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = path.dirname(d)) {
    if ((await lstat(d).catch(() => null)) || path.dirname(d) === d) return d;
  }
}

/**
 * `rel` inside `root`, with every existing component checked, so a symlink anywhere on the way
 * that leads out of the workspace is refused rather than written through.
 */
async function insidePath(root: string, rel: string, depth = 0): Promise<{ ok: true; abs: string } | { ok: false; problem: string }> {
  const abs = path.resolve(root, rel);
  if (!isInside(root, abs)) return { ok: false, problem: `${rel} leaves the workspace` };
  let existing = abs;
  for (;;) {
    if (await lstat(existing).catch(() => null)) break;
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  let real: string;
  try {
    real = await realpath(existing);
  } catch {
    // A dangling symlink (or a loop): judge where the link itself points.
    const text = await readlink(existing).catch(() => null);
    if (text === null) return { ok: true, abs };
    const target = path.resolve(path.dirname(existing), text);
    if (!isInside(root, target)) return { ok: false, problem: `${rel} resolves outside the workspace through a symlink` };
    if (depth >= MAX_LINKS) return { ok: true, abs };
    const further = await insidePath(root, path.relative(root, target), depth + 1);
    return further.ok ? { ok: true, abs } : { ok: false, problem: `${rel} resolves outside the workspace through a symlink` };
  }
  if (!isInside(root, real)) return { ok: false, problem: `${rel} resolves outside the workspace through a symlink` };
  return { ok: true, abs };
}

function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function via(root: string, abs: string, target: string): string {
  return target === abs ? "" : ` (through its symlink, ${path.relative(root, target)})`;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a file";
}
