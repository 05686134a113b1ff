// Run logs live in logs/<date>/<runId>.jsonl. Old ones are pruned so a busy machine does not
// fill its disk: the newest `keep` files stay, and emptied date folders go with the rest.
import { readdir, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";

export async function pruneLogs(logDir: string, keep: number, current?: string | null): Promise<string[]> {
  const days = await readdir(logDir, { withFileTypes: true }).catch(() => []);
  const files: Array<{ file: string; mtime: number }> = [];
  for (const day of days) {
    if (!day.isDirectory() || !/^\d{4}-\d{2}-\d{2}$/.test(day.name)) continue;
    const dir = path.join(logDir, day.name);
    for (const name of await readdir(dir).catch(() => [])) {
      if (!name.endsWith(".jsonl")) continue;
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => null);
      if (info) files.push({ file, mtime: info.mtimeMs });
    }
  }
  files.sort((a, b) => b.mtime - a.mtime || b.file.localeCompare(a.file));
  const doomed = files.slice(keep).map((f) => f.file).filter((f) => f !== current);
  for (const file of doomed) await rm(file, { force: true });
  for (const dir of new Set(doomed.map((f) => path.dirname(f)))) await rmdir(dir).catch(() => {});
  return doomed;
}
