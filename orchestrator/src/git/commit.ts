// One commit holding exactly the given files, made the way the user's git makes commits (their
// hooks, their signing, their identity). `git commit --only` takes those paths as they are in
// the working tree and leaves everything else in the index alone, so a file the user staged for
// their own next commit stays staged and out of ours. History is only ever added to.
import { existsSync } from "node:fs";
import path from "node:path";
import { literal } from "./status.ts";
import { gitError, type GitResult, type GitRunner } from "./run-git.ts";

export interface CommitOptions {
  cwd: string;
  /** Paths relative to cwd; each exists (a change) or not (a deletion). */
  files: readonly string[];
  message: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type CommitAnswer =
  /** sha null: the files already were as committed, so there was nothing to commit. */
  | { ok: true; sha: string | null }
  /** The commit was refused (a hook, most often) or stopped; `output` is what git and its hooks printed. */
  | { ok: false; reason: GitResult["reason"]; output: string };

export async function commitFiles(git: GitRunner, options: CommitOptions): Promise<CommitAnswer> {
  const { cwd, files } = options;
  const specs = files.map(literal);
  // A new file must be known to the index for `--only` to take it; intent-to-add records only
  // that it exists, not its content, so a refused commit leaves nothing staged once undone.
  const created = files.filter((f) => existsSync(path.join(cwd, f)));
  const untracked = await untrackedOf(git, cwd, created);
  if (untracked.length > 0) {
    const added = await git(["add", "--intent-to-add", "--", ...untracked.map(literal)], { cwd });
    if (!added.ok) return { ok: false, reason: added.reason, output: combined(added) };
  }
  const undo = () => (untracked.length > 0 ? git(["reset", "--quiet", "--", ...untracked.map(literal)], { cwd }) : null);

  const same = await git(["diff", "--quiet", "HEAD", "--", ...specs], { cwd });
  if (same.ok) {
    await undo();
    return { ok: true, sha: null };
  }
  const commit = await git(["commit", "--only", "--cleanup=whitespace", "--file=-", "--", ...specs], {
    cwd,
    stdin: options.message,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (!commit.ok) {
    await undo();
    return { ok: false, reason: commit.reason, output: combined(commit) };
  }
  const head = await git(["rev-parse", "HEAD"], { cwd });
  if (!head.ok) return { ok: false, reason: head.reason, output: gitError(head) };
  return { ok: true, sha: head.stdout.trim() };
}

/** Of `files`, the ones the index does not know. */
async function untrackedOf(git: GitRunner, cwd: string, files: readonly string[]): Promise<string[]> {
  if (files.length === 0) return [];
  // ls-files prints paths relative to cwd, as the files are given.
  const r = await git(["ls-files", "-z", "--", ...files.map(literal)], { cwd });
  const known = new Set(r.stdout.split("\0").filter(Boolean));
  return files.filter((f) => !known.has(f));
}

function combined(r: GitResult): string {
  return [r.stdout, r.stderr].filter((s) => s.trim() !== "").join("\n").trimEnd();
}
