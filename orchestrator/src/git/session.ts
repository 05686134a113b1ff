// The git side of one run, set up before any task starts: which repository and commit the run
// starts from, where the tasks run (the workspace, or the branch's worktree), whether the owned
// files are clean enough to commit, and a committer per task. Problems come back as messages;
// the CLI turns them into exit 2 before any model call.
import path from "node:path";
import type { Task } from "../core/types.ts";
import { commitFiles } from "./commit.ts";
import { commitMessage, dirtyCommitMessage } from "./message.ts";
import { branchNameProblem, commitBlocker, inspectRepo, type RepoInfo } from "./repo.ts";
import { runGit, type GitRunner } from "./run-git.ts";
import { ownedStatus } from "./status.ts";
import type { CommitResult, TaskCommitter } from "./types.ts";
import { openWorktree, type Worktree } from "./worktree.ts";

export interface GitMode {
  /** Commit each completed task. */
  commit: boolean;
  /** Work on this branch (implies commit). */
  branch: string | null;
  /** Commit the owned files' uncommitted changes first, instead of refusing. */
  commitDirty: boolean;
  dryRun: boolean;
}

export interface GitSessionOptions {
  workspace: string;
  mode: GitMode;
  runId: string;
  /** Folder for the branch worktrees (in the state folder). */
  worktreeRoot: string;
  /** Bound on one commit, hooks included. */
  commitTimeoutMs: number;
  /** Holds a lock across processes until the returned release is called (one run per branch worktree). */
  lock?: (key: string) => Promise<() => void>;
  git?: GitRunner;
}

export interface OwnedFilesCheck {
  ok: boolean;
  /** Why the run cannot start (ok false). */
  message?: string;
  /** The commit made of the user's uncommitted changes (--commit-dirty). */
  dirtyCommit?: { sha: string; branch: string; files: string[] };
  /** Owned files with uncommitted changes in the user's checkout that the branch does not have. */
  leftOut?: string[];
}

export interface GitSession {
  /** Where the tasks run: the workspace itself, or its place in the branch's worktree. */
  workspace: string;
  /** Where commits go; null when the run does not commit. */
  branch: string | null;
  /** The commit the run starts from; null outside a git repository. */
  baseCommit: string | null;
  /** The branch checked out where the tasks run (null: detached, or no repository). */
  checkedOut: string | null;
  /** Refuses owned files that a commit could not hold as the task's own; call before any task starts. */
  checkOwnedFiles(files: readonly string[]): Promise<OwnedFilesCheck>;
  /** Undefined when the run does not commit (or is a dry run). */
  committerFor(taskId: string, task: Task): TaskCommitter | undefined;
  close(): Promise<void>;
}

export type SessionAnswer = { ok: true; session: GitSession } | { ok: false; message: string };

export async function openGitSession(options: GitSessionOptions): Promise<SessionAnswer> {
  const git = options.git ?? runGit;
  const { mode, workspace } = options;
  const committing = mode.commit || mode.branch !== null || mode.commitDirty;
  const found = await inspectRepo(git, workspace);
  if (!found.ok) {
    if (!committing) return { ok: true, session: plainSession(workspace, null, null) };
    const why = found.reason === "no_git" ? "git is not installed (or not on PATH)" : `${workspace} is not in a git repository`;
    return { ok: false, message: `committing (--commit, --branch, or git.commit in the config) needs a git repository: ${why}` };
  }
  const repo = found.repo;
  if (!committing) return { ok: true, session: plainSession(workspace, repo.head, repo.branch) };

  const blocker = mode.dryRun ? (repo.head ? null : "the repository has no commit yet") : await commitBlocker(git, workspace, repo);
  if (blocker) return { ok: false, message: `cannot commit in ${repo.top}: ${blocker}` };
  if (mode.branch !== null) {
    const bad = await branchNameProblem(git, workspace, mode.branch);
    if (bad) return { ok: false, message: `--branch: ${bad}` };
  }
  const target = mode.branch ?? repo.branch;
  if (target === null) {
    return { ok: false, message: `HEAD is detached in ${repo.top}, so commits would belong to no branch: check a branch out, or pass --branch NAME` };
  }
  if (target === repo.branch) return { ok: true, session: committingSession(git, options, repo, workspace, target, null, null) };

  const release = (await options.lock?.(`worktree:${repo.commonDir}:${target}`)) ?? (() => {});
  const opened = await openWorktree(git, { repo, branch: target, root: options.worktreeRoot, detach: mode.dryRun }).catch((err: Error) => ({
    ok: false as const,
    message: `cannot check out branch ${target}: ${err.message}`,
  }));
  if (!opened.ok) {
    release();
    return opened;
  }
  const inWorktree = path.resolve(opened.worktree.dir, repo.prefix);
  return { ok: true, session: committingSession(git, options, repo, inWorktree, target, opened.worktree, release) };
}

/** A run that does not commit: it only records the commit it started from. */
function plainSession(workspace: string, head: string | null, checkedOut: string | null): GitSession {
  return {
    workspace,
    branch: null,
    baseCommit: head,
    checkedOut,
    checkOwnedFiles: async () => ({ ok: true }),
    committerFor: () => undefined,
    close: async () => {},
  };
}

function committingSession(
  git: GitRunner,
  options: GitSessionOptions,
  repo: RepoInfo,
  workspace: string,
  branch: string,
  worktree: Worktree | null,
  release: (() => void) | null,
): GitSession {
  const { mode } = options;
  return {
    workspace,
    branch,
    baseCommit: worktree?.base ?? repo.head,
    checkedOut: branch,
    async checkOwnedFiles(files) {
      const leftOut = worktree ? await userChanges(git, options.workspace, repo.prefix, files) : [];
      // A dry run commits nothing, so nothing about the files stands in its way.
      if (mode.dryRun) return { ok: true, leftOut };
      const status = await ownedStatus(git, workspace, repo.prefix, files);
      if (!status.ok) return { ok: false, message: `cannot read git status: ${status.message}` };
      if (status.ignored.length > 0) {
        return { ok: false, message: `${list(status.ignored)} ${status.ignored.length === 1 ? "is" : "are"} ignored by git (.gitignore), so no commit could hold ${status.ignored.length === 1 ? "it" : "them"}` };
      }
      if (status.dirty.length === 0) return { ok: true, leftOut };
      if (!mode.commitDirty) {
        return {
          ok: false,
          message:
            `${list(status.dirty)} ${status.dirty.length === 1 ? "has" : "have"} uncommitted changes, which a task's commit would mix with its own. ` +
            "Commit or stash them first, or pass --commit-dirty to commit them as they are before the run.",
        };
      }
      const made = await commitFiles(git, { cwd: workspace, files: status.dirty, message: dirtyCommitMessage(status.dirty, options.runId), timeoutMs: options.commitTimeoutMs });
      if (!made.ok) return { ok: false, message: `--commit-dirty: the commit of ${list(status.dirty)} failed:\n${made.output}` };
      return { ok: true, leftOut, dirtyCommit: made.sha ? { sha: made.sha, branch, files: status.dirty } : undefined };
    },
    committerFor(taskId, task) {
      if (mode.dryRun) return undefined;
      return {
        async commit(request): Promise<CommitResult> {
          const message = commitMessage({ taskId, description: task.description, ...request });
          const made = await commitFiles(git, { cwd: workspace, files: request.files, message, timeoutMs: options.commitTimeoutMs, signal: request.signal });
          if (made.ok) return { ok: true, commit: made.sha ? { sha: made.sha, branch } : null };
          return { ok: false, reason: made.reason === "exit" || made.reason === "spawn_error" ? "refused" : made.reason, output: made.output };
        },
      };
    },
    async close() {
      try {
        await worktree?.remove();
      } finally {
        release?.();
      }
    },
  };
}

/** Owned files the user changed in their own checkout: a run on another branch starts without them. */
async function userChanges(git: GitRunner, userWorkspace: string, prefix: string, files: readonly string[]): Promise<string[]> {
  const status = await ownedStatus(git, userWorkspace, prefix, files);
  return status.ok ? status.dirty : [];
}

function list(files: readonly string[]): string {
  return files.join(", ");
}
