// The strict applier: GNU patch, run on copies of the owned files in a fresh staging directory
// so it can never touch the real workspace. Only a clean application counts as strict: no
// fuzz (--fuzz=0), and no hunk moved away from the line its header names (patch reports that as
// "offset N lines"; patch then picked the nearest match, which is a guess when the hunk's lines
// appear more than once, so we refuse and let the tolerant applier decide with its uniqueness
// check). Any .rej/.orig or other stray file also means "refused".
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { StrictApplier } from "./contract.ts";

/**
 * Flags for GNU patch 2.7:
 *  -p1                     strip the a/ b/ prefix
 *  --batch                 never ask (no "Reversed patch detected! Assume -R?" prompt)
 *  --forward               refuse what looks reversed/already applied instead of reversing it
 *  --fuzz=0                every context line must match
 *  --no-backup-if-mismatch no .orig files
 *  --reject-file=-         discard rejects instead of writing .rej files
 *  --quoting-style=literal plain file names in messages
 * Without --silent so that "Hunk #1 succeeded at 12 (offset 3 lines)" can be seen and refused.
 */
const PATCH_ARGS = [
  "-p1",
  "--batch",
  "--forward",
  "--fuzz=0",
  "--no-backup-if-mismatch",
  "--reject-file=-",
  "--quoting-style=literal",
] as const;

const PATCH_TIMEOUT_MS = 20_000;

function patchEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    // POSIX mode changes backup and file-selection rules; version-control hooks could run `get`.
    if (k === "POSIXLY_CORRECT" || k === "PATCH_GET" || k === "PATCH_VERSION_CONTROL" || k === "VERSION_CONTROL") continue;
    env[k] = v;
  }
  env.LC_ALL = "C"; // English messages, parsed below
  return env;
}

async function listFiles(root: string, dir = root, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, full, out);
    else out.push(relative(root, full).split("\\").join("/"));
  }
  return out;
}

export const patchApplier: StrictApplier = async (diff, files) => {
  // Only plain relative paths: nothing may be written outside the staging directory, and
  // patch's header parsing is unreliable for names with whitespace or quotes.
  for (const path of files.keys()) {
    if (path.startsWith("/") || path.split("/").includes("..") || /[\s"\\]/.test(path) || path === "") return null;
  }
  const dir = await mkdtemp(join(tmpdir(), "smol-edit-"));
  try {
    for (const [path, content] of files) {
      if (content === null) continue;
      const full = join(dir, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content, "utf8");
    }
    // Bun.spawn, not execa: a run with no checks then never loads execa (~40 ms of start-up).
    const proc = Bun.spawn(["patch", ...PATCH_ARGS], {
      cwd: dir,
      stdin: new TextEncoder().encode(diff),
      stdout: "pipe",
      stderr: "pipe",
      env: patchEnv(),
      timeout: PATCH_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (exitCode !== 0 || proc.signalCode !== null) return null;
    const said = `${stdout}\n${stderr}`;
    if (/\boffset\b|\bfuzz\b|FAILED|Reversed|Skipping|ignored|malformed/i.test(said)) return null;
    const present = await listFiles(dir);
    const out = new Map<string, string | null>();
    for (const file of present) {
      if (!files.has(file)) return null; // .rej, .orig, or a file the diff should not have made
    }
    const presentSet = new Set(present);
    for (const path of files.keys()) {
      out.set(path, presentSet.has(path) ? await readFile(join(dir, path), "utf8") : null);
    }
    return out;
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
