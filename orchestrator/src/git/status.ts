// Which of a task's owned files git sees as changed: before a run (a commit must hold the task's
// change and nothing of the user's) and after it (tests, the clean-tree promise).
import { gitError, type GitRunner } from "./run-git.ts";

export interface OwnedStatus {
  /** Owned files with changes git has not committed: modified, staged, deleted, or untracked. */
  dirty: string[];
  /** Owned files .gitignore hides (and git does not track), which no commit would hold. */
  ignored: string[];
}

export type StatusAnswer = ({ ok: true } & OwnedStatus) | { ok: false; message: string };

/**
 * The state of `files` (paths relative to the workspace, `prefix` its place in the repository).
 * A file that does not exist and that git does not track is clean: the task creates it.
 */
export async function ownedStatus(git: GitRunner, cwd: string, prefix: string, files: readonly string[]): Promise<StatusAnswer> {
  if (files.length === 0) return { ok: true, dirty: [], ignored: [] };
  const r = await git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...files.map(literal)], { cwd });
  if (!r.ok) return { ok: false, message: gitError(r) };
  // check-ignore, not status: it also answers for a file the task is still to create.
  const ign = await git(["check-ignore", "-z", "--stdin"], { cwd, stdin: files.map((f) => `${f}\0`).join("") });
  if (!ign.ok && ign.exitCode !== 1) return { ok: false, message: gitError(ign) };
  const ignored = new Set(ign.stdout.split("\0").filter(Boolean));
  const byRepoPath = new Map(files.map((f) => [prefix + f, f]));
  const dirty = new Set<string>();
  const fields = r.stdout.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const own = byRepoPath.get(entry.slice(3));
    // A rename or copy names its source in the next field; that path changed too.
    if (code[0] === "R" || code[0] === "C") {
      const source = byRepoPath.get(fields[++i] ?? "");
      if (source) dirty.add(source);
    }
    if (own) dirty.add(own);
  }
  return { ok: true, dirty: files.filter((f) => dirty.has(f)), ignored: files.filter((f) => ignored.has(f)) };
}

/** A pathspec that means exactly this path: no globbing of `*`, `?` or `[` in a file name. */
export function literal(file: string): string {
  return `:(literal)${file}`;
}
