// Whether HEAD already holds a file's current bytes. A run killed after its task's commit (or
// after a `git commit` it had started went on without it) leaves an edit that is in history: the
// journal's recovery must not put the old bytes back over it, which would leave an uncommitted
// change that reverts the commit.
import { createHash } from "node:crypto";
import { runGit, type GitRunner } from "./run-git.ts";

/** `rel` is relative to `root` (the workspace, which may be a folder inside the repository). */
export async function headHolds(root: string, rel: string, content: Buffer, git: GitRunner = runGit): Promise<boolean> {
  const r = await git(["rev-parse", "-q", "--verify", `HEAD:./${rel}`], { cwd: root, timeoutMs: 10_000 });
  if (!r.ok) return false; // not a repository, no commit yet, or HEAD has no such file
  const sha = r.stdout.trim();
  // A blob's id is the hash of its header and bytes; sha256 repositories have 64-digit ids.
  const algorithm = sha.length === 64 ? "sha256" : "sha1";
  return createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest("hex") === sha;
}
