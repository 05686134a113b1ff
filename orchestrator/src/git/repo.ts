// What smol-coder needs to know about the repository a workspace lives in, asked once at the
// start: where it is, which commit and branch are checked out, and whether a commit could be
// made at all. Plain queries; every answer is data.
import { gitError, type GitRunner } from "./run-git.ts";

export interface RepoInfo {
  /** The working tree's top folder (absolute). */
  top: string;
  /** The workspace's path inside it, "" or ending in "/" (git's --show-prefix). */
  prefix: string;
  /** The repository's shared .git folder (absolute), the same for every worktree. */
  commonDir: string;
  /** The checked-out commit; null in a repository with no commit yet. */
  head: string | null;
  /** The checked-out branch; null when HEAD is detached. */
  branch: string | null;
}

export type RepoAnswer = { ok: true; repo: RepoInfo } | { ok: false; reason: "no_git" | "not_a_repo"; message: string };

export async function inspectRepo(git: GitRunner, cwd: string): Promise<RepoAnswer> {
  const where = await git(["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir", "--show-prefix"], { cwd });
  if (where.reason === "spawn_error") return { ok: false, reason: "no_git", message: `cannot run git: ${where.stderr}` };
  if (!where.ok) return { ok: false, reason: "not_a_repo", message: gitError(where) };
  const [top = "", commonDir = "", prefix = ""] = where.stdout.split("\n");
  const head = await git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { cwd });
  const branch = await git(["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd });
  return {
    ok: true,
    repo: { top, prefix, commonDir, head: head.ok ? head.stdout.trim() : null, branch: branch.ok ? branch.stdout.trim() : null },
  };
}

/** Why a commit in this repository would fail whatever the edit is; null when it can be made. */
export async function commitBlocker(git: GitRunner, cwd: string, repo: RepoInfo): Promise<string | null> {
  if (repo.head === null) return "the repository has no commit yet: make a first commit, so smol-coder has a commit to start from";
  for (const state of ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"]) {
    const found = await git(["rev-parse", "--verify", "--quiet", state], { cwd });
    if (found.ok) return `a ${state.replace("_HEAD", "").toLowerCase().replace("_", "-")} is in progress: finish or abort it first`;
  }
  const ident = await git(["var", "GIT_COMMITTER_IDENT"], { cwd });
  if (!ident.ok) {
    return `git does not know who commits (${gitError(ident)}): set user.name and user.email (git config user.name "..."; git config user.email "...")`;
  }
  return null;
}

/** Null when NAME can be a branch name; otherwise git's reason. */
export async function branchNameProblem(git: GitRunner, cwd: string, name: string): Promise<string | null> {
  const r = await git(["check-ref-format", "--branch", name], { cwd });
  return r.ok ? null : `"${name}" is not a valid branch name`;
}

/** The commit a branch points at, or null when there is no such branch. */
export async function branchTip(git: GitRunner, cwd: string, name: string): Promise<string | null> {
  const r = await git(["rev-parse", "--verify", "--quiet", `refs/heads/${name}^{commit}`], { cwd });
  return r.ok ? r.stdout.trim() : null;
}

/** Where each branch is checked out: branch name -> worktree folder. */
export async function checkedOutBranches(git: GitRunner, cwd: string): Promise<Map<string, string>> {
  const r = await git(["worktree", "list", "--porcelain"], { cwd });
  const out = new Map<string, string>();
  let dir: string | null = null;
  for (const line of r.stdout.split("\n")) {
    if (line.startsWith("worktree ")) dir = line.slice("worktree ".length);
    else if (line.startsWith("branch refs/heads/") && dir) out.set(line.slice("branch refs/heads/".length), dir);
  }
  return out;
}
