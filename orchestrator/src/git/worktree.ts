// --branch NAME without touching the user's checkout: the branch gets a worktree of its own in
// smol-coder's state folder, the tasks run and commit there, and the worktree is removed at the
// end. The user's branch, index and files are never written. The checks need the project's
// dependencies, which a fresh checkout lacks, so every node_modules folder of the user's
// checkout is linked into the worktree (read, never written: installs are the user's).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, realpath, rm, symlink, unlink } from "node:fs/promises";
import path from "node:path";
import { branchTip, checkedOutBranches, type RepoInfo } from "./repo.ts";
import { gitError, type GitRunner } from "./run-git.ts";

export interface Worktree {
  /** The worktree's top folder. */
  dir: string;
  /** True when the branch did not exist and was made from HEAD. */
  createdBranch: boolean;
  /** The commit the worktree started at. */
  base: string;
  /** Removes the worktree (never the branch). Safe to call twice. */
  remove(): Promise<void>;
}

export interface WorktreeOptions {
  repo: RepoInfo;
  branch: string;
  /** Parent folder for smol-coder's worktrees (in the state folder). */
  root: string;
  /** --dry-run: check the branch's commit out without a branch, and never create one. */
  detach: boolean;
}

export type WorktreeAnswer = { ok: true; worktree: Worktree } | { ok: false; message: string };

export async function openWorktree(git: GitRunner, options: WorktreeOptions): Promise<WorktreeAnswer> {
  const { repo, branch } = options;
  const cwd = repo.top;
  // One folder per repository and branch, so a run that was killed leaves one stale worktree,
  // which the next run on that branch removes (its uncommitted files were never verified).
  const dir = path.join(options.root, createHash("sha256").update(`${repo.commonDir}\0${branch}`).digest("hex").slice(0, 16));
  await removeStale(git, cwd, dir);

  const holder = (await checkedOutBranches(git, cwd)).get(branch);
  if (holder) return { ok: false, message: `branch ${branch} is checked out in ${holder}: run there without --branch, or pick another branch` };
  const tip = await branchTip(git, cwd, branch);
  const base = tip ?? repo.head!;
  await mkdir(options.root, { recursive: true });
  const args = options.detach
    ? ["worktree", "add", "--quiet", "--detach", dir, base]
    : tip
      ? ["worktree", "add", "--quiet", dir, branch]
      : ["worktree", "add", "--quiet", "-b", branch, dir, base];
  const added = await git(args, { cwd });
  if (!added.ok) return { ok: false, message: `cannot check out branch ${branch} in a worktree: ${gitError(added)}` };

  const links = await linkDependencies(git, repo.top, dir);
  let removed = false;
  return {
    ok: true,
    worktree: {
      dir,
      createdBranch: tip === null && !options.detach,
      base,
      async remove() {
        if (removed) return;
        removed = true;
        await unlinkAll(links);
        await dropWorktree(git, cwd, dir);
      },
    },
  };
}

/** Links each top-level node_modules of the user's checkout to the same place in the worktree. */
async function linkDependencies(git: GitRunner, top: string, dir: string): Promise<string[]> {
  const r = await git(["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"], { cwd: top });
  const links: string[] = [];
  for (const entry of r.stdout.split("\0")) {
    const rel = entry.replace(/\/$/, "");
    if (path.basename(rel) !== "node_modules") continue;
    const target = path.join(dir, rel);
    if (!existsSync(path.dirname(target)) || (await lstat(target).catch(() => null))) continue;
    const source = await realpath(path.join(top, rel)).catch(() => null);
    if (!source) continue;
    await symlink(source, target, "dir");
    links.push(target);
  }
  return links;
}

async function unlinkAll(links: readonly string[]): Promise<void> {
  for (const link of links) await unlink(link).catch(() => {});
}

/** A worktree left by a run that did not get to clean up (SIGKILL, power loss). */
async function removeStale(git: GitRunner, cwd: string, dir: string): Promise<void> {
  if (!existsSync(dir)) {
    await git(["worktree", "prune"], { cwd });
    return;
  }
  // Our links first, so nothing below can reach through them into the user's node_modules.
  await unlinkAll(await staleLinks(dir));
  await dropWorktree(git, cwd, dir);
}

async function dropWorktree(git: GitRunner, cwd: string, dir: string): Promise<void> {
  const r = await git(["worktree", "remove", "--force", "--force", dir], { cwd });
  if (!r.ok) await rm(dir, { recursive: true, force: true });
  await git(["worktree", "prune"], { cwd });
}

/** node_modules links anywhere in a stale worktree (they are the only links we make). */
async function staleLinks(dir: string): Promise<string[]> {
  const found: string[] = [];
  const glob = new Bun.Glob("**/node_modules");
  for await (const rel of glob.scan({ cwd: dir, onlyFiles: false, followSymlinks: false, dot: true })) {
    const abs = path.join(dir, rel);
    if ((await lstat(abs).catch(() => null))?.isSymbolicLink()) found.push(abs);
  }
  return found;
}
