// The commit of a passing attempt, and what a refused one means. A commit that git refused is
// the last check of an attempt: a pre-commit or commit-msg hook is
// the project saying no, just as a failing lint is. Its output is read like a check's (a hook
// that runs tsc or ESLint prints their errors), so the next prompt shows the errors with the
// attempted code around them.
import type { TaskCommitter } from "../git/types.ts";
import { formatDiagnostic } from "../verify/diagnostics/compare.ts";
import type { Diagnostic } from "../verify/diagnostics/diagnostic.ts";
import { parseDiagnostics } from "../verify/diagnostics/registry.ts";
import type { TaskSummary } from "./outcomes.ts";

/** Commits a passing attempt; its trailers count this attempt, which the tally does not hold yet. */
export function commitAttempt(committer: TaskCommitter, sofar: TaskSummary, files: string[], verified: boolean, signal?: AbortSignal) {
  return committer.commit({ files, finalTier: sofar.finalTier, attempts: sofar.attempts + 1, tokens: sofar.tokens.total, verified, signal });
}

/** The check name a refused commit is logged under (verification_fail's failedChecks). */
export const COMMIT_CHECK = "commit";

export interface CommitRefusal {
  /** One line each, the first saying what refused the change. */
  errors: string[];
  diagnostics: Diagnostic[];
}

/**
 * Why git could not sign the commit (commit.gpgsign with no usable key or agent), or null. No
 * edit can fix that, so it ends the task as a workspace problem instead of feeding it back.
 */
export function signingFailure(output: string): string | null {
  if (!/fatal: failed to write commit object/.test(output)) return null;
  const why = output.split("\n").find((l) => /gpg failed to sign|cannot run gpg|couldn't load public key|ssh-keygen|signing/i.test(l));
  if (!why) return null;
  return (
    `git cannot sign the commit (${why.trim()}): commit.gpgsign is set for this repository, and signing failed. ` +
    `Fix the signing setup (the key, gpg-agent or ssh-agent, user.signingkey), or turn it off here (git config commit.gpgsign false), then run again.`
  );
}

export function commitRefusal(output: string, reason: "refused" | "timeout", cwd: string): CommitRefusal {
  if (reason === "timeout") {
    return { errors: ["git commit ran out of time (a hook ran longer than the verify timeout) and was stopped"], diagnostics: [] };
  }
  const diagnostics = parseDiagnostics(output, { cwd, exitCode: 1 }).filter((d) => d.severity === "error");
  const header = "git commit refused the change: a hook (pre-commit or commit-msg) failed. Its output:";
  return { errors: [header, ...diagnostics.map(formatDiagnostic)], diagnostics };
}
