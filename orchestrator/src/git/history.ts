// Whether a commit is part of the history the workspace has checked out: an ancestor of HEAD
// (or HEAD). A commit that was reset away, or one of another repository, is not.
import { runGit, type GitRunner } from "./run-git.ts";

export async function commitIsInHistory(root: string, sha: string, git: GitRunner = runGit): Promise<boolean> {
  const r = await git(["merge-base", "--is-ancestor", sha, "HEAD"], { cwd: root, timeoutMs: 10_000 });
  return r.ok;
}
