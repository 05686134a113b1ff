// Caches the baseline verification run per workspace state. The checks before the first
// attempt cost as much as an attempt's; when nothing in the workspace changed since the last
// run (same files, sizes and mtimes, same commands) their result cannot have changed either.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CheckPlan } from "./plan.ts";
import type { VerifyRun } from "./run.ts";

export interface BaselineCache {
  key(root: string, plan: CheckPlan): Promise<string>;
  get(key: string): Promise<VerifyRun | null>;
  put(key: string, run: VerifyRun): Promise<void>;
}

/** Folders whose contents are tool output or dependencies, not the project's own state. */
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "build", "coverage", ".cache", ".turbo", ".next", ".vite"]);
const SKIP_FILES = /\.tsbuildinfo$|\.smol-[0-9a-f]+\.tmp$/;

/** A fingerprint of every project file's path, size and mtime, and of the commands to run. */
async function fingerprint(root: string, plan: CheckPlan): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(plan.checks.map((c) => [c.name, c.command, c.args, c.timeoutMs])));
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(abs);
      } else if ((e.isFile() || e.isSymbolicLink()) && !SKIP_FILES.test(e.name) && !SKIP_DIRS.has(e.name)) {
        const info = await stat(abs).catch(() => null);
        if (info?.isFile()) hash.update(`${path.relative(root, abs)}\0${info.size}\0${info.mtimeMs}\n`);
      }
    }
  };
  await walk(root);
  return hash.digest("hex");
}

export function createBaselineCache(dir: string): BaselineCache {
  const file = (key: string) => path.join(dir, `${key}.json`);
  return {
    key: fingerprint,
    async get(key) {
      try {
        return JSON.parse(await readFile(file(key), "utf8")) as VerifyRun;
      } catch {
        return null;
      }
    },
    async put(key, run) {
      await mkdir(dir, { recursive: true });
      const tmp = `${file(key)}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(run));
      await rename(tmp, file(key));
    },
  };
}
