// A fingerprint of a workspace's state for the baseline cache: every project file's path and the
// sha256 of its content, and the commands that check it. Content, not size and mtime: an edit
// that keeps a file's size and puts its mtime back (a tool that restores timestamps, `touch -r`,
// a checkout within the same second) would otherwise reuse the errors of a different file.
// node_modules is too big to hash; what stands for it is which packages are installed and the
// package managers' own install records (see dependencyStamp).
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { CheckPlan } from "./plan.ts";

/** Folders whose contents are tool output or dependencies, not the project's own state. */
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "build", "coverage", ".cache", ".turbo", ".next", ".vite"]);
const SKIP_FILES = /\.tsbuildinfo$|\.smol-[0-9a-f]+\.tmp$/;
/** Files read at once: enough to keep the disk busy, few enough to bound open files and memory. */
const READ_AHEAD = 16;

export async function fingerprint(root: string, plan: CheckPlan): Promise<string> {
  const files = await listProjectFiles(root);
  const digests = await mapLimited(files, READ_AHEAD, (rel) => digestFile(path.join(root, rel)));
  const hash = createHash("sha256");
  hash.update(JSON.stringify(plan.checks.map((c) => [c.name, c.command, c.args, c.timeoutMs])));
  hash.update(await dependencyStamp(root));
  files.forEach((rel, i) => {
    if (digests[i] !== null) hash.update(`${rel}\0${digests[i]}\n`);
  });
  return hash.digest("hex");
}

/** Files a package manager rewrites on every install or removal, in node_modules. */
const INSTALL_RECORDS = [".package-lock.json", ".modules.yaml", ".yarn-integrity", ".yarn-state.yml"];

/**
 * The installed dependencies, cheaply: the packages at the top of node_modules, and the size and
 * mtime of the install records and of .bin (linked anew by every install). A fresh clone before
 * `npm install`, a removed or added package and a reinstall all change it; tool output that
 * lands in node_modules (vite's .vite, caches under dot folders) does not.
 */
async function dependencyStamp(root: string): Promise<string> {
  const dir = path.join(root, "node_modules");
  const names = await readdir(dir).catch(() => null);
  if (names === null) return "no node_modules\n";
  const packages = names.filter((n) => !n.startsWith(".")).sort();
  const records = await Promise.all(
    [...INSTALL_RECORDS, ".bin"].map(async (name) => {
      const s = await stat(path.join(dir, name)).catch(() => null);
      return s ? `${name}:${s.size}:${s.mtimeMs}` : `${name}:-`;
    }),
  );
  return `${packages.join(",")}\n${records.join(",")}\n`;
}

/** Project files (symlinks to files included), relative to root, in a stable order. */
async function listProjectFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(abs);
      } else if (e.isFile() && !SKIP_FILES.test(e.name)) {
        out.push(path.relative(root, abs));
      } else if (e.isSymbolicLink() && !SKIP_FILES.test(e.name) && !SKIP_DIRS.has(e.name)) {
        if ((await stat(abs).catch(() => null))?.isFile()) out.push(path.relative(root, abs));
      }
    }
  };
  await walk(root);
  return out;
}

/** The content's sha256; null for a file gone since the listing; the error code for one we cannot read. */
async function digestFile(abs: string): Promise<string | null> {
  try {
    return createHash("sha256").update(await readFile(abs)).digest("hex");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return code === "ENOENT" ? null : `!${code}`;
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
