// The content of a task's owned files as one hash each, so a later run can tell whether the
// files are still as a task left them (--resume) without keeping their bytes.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolveInside } from "./owned-files.ts";

/** Owned path -> sha256 of its bytes, or null where the file does not exist. */
export type FileHashes = Record<string, string | null>;

export async function hashOwnedFiles(root: string, files: readonly string[]): Promise<FileHashes> {
  const out: FileHashes = {};
  for (const rel of files) {
    const bytes = await readFile(await resolveInside(root, rel)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return null;
      throw err;
    });
    out[rel] = bytes === null ? null : createHash("sha256").update(bytes).digest("hex");
  }
  return out;
}
