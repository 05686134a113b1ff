// The fingerprint the baseline cache used before it hashed contents (fingerprint() in
// orchestrator/src/verify/baseline-cache.ts as of commit e355b32), kept verbatim as the bench's
// point of comparison: every project file's path, size and mtime.
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { CheckPlan } from "../../orchestrator/src/verify/plan.ts";

const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "build", "coverage", ".cache", ".turbo", ".next", ".vite"]);
const SKIP_FILES = /\.tsbuildinfo$|\.smol-[0-9a-f]+\.tmp$/;

export async function sizeMtimeFingerprint(root: string, plan: CheckPlan): Promise<string> {
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
