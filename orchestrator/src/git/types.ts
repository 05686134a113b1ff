// What the task loop asks of git, and what it gets back. The loop only knows this shape; the
// session (session.ts) makes one committer per task.
import type { Tier } from "../core/types.ts";

export interface TaskCommit {
  sha: string;
  branch: string;
}

export interface CommitRequest {
  /** The task's changed files, relative to the workspace. */
  files: string[];
  finalTier: Tier;
  attempts: number;
  tokens: number;
  verified: boolean;
  signal?: AbortSignal;
}

export type CommitResult =
  /** commit null: the files were already as committed (nothing to commit). */
  | { ok: true; commit: TaskCommit | null }
  /** Refused (a hook) or stopped (timeout, interrupt); `output` is what git and its hooks printed. */
  | { ok: false; reason: "refused" | "timeout" | "aborted"; output: string };

export interface TaskCommitter {
  commit(request: CommitRequest): Promise<CommitResult>;
}
