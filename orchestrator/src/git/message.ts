// The commit message of a task: its description's first line as the subject, the whole
// description as the body, and trailers a reviewer (or `git log --format=%(trailers)`) can read.
import type { Tier } from "../core/types.ts";

/** Past this, the subject is cut (with "…"); the body still holds the whole description. */
const SUBJECT_MAX = 72;

export interface CommitFacts {
  taskId: string;
  description: string;
  finalTier: Tier;
  attempts: number;
  tokens: number;
  /** False when no check ran (--no-checks): the trailer says so. */
  verified: boolean;
}

/** Trailer keys, in the order they are written. */
export const TRAILER_KEYS = {
  taskId: "Smol-Task-Id",
  finalTier: "Smol-Final-Tier",
  attempts: "Smol-Attempts",
  tokens: "Smol-Tokens",
  verified: "Smol-Verified",
} as const;

export function commitMessage(facts: CommitFacts): string {
  const description = facts.description.trim().replace(/\r\n/g, "\n");
  const first = description.split("\n")[0]!.trim();
  const subject = first.length <= SUBJECT_MAX ? first : `${first.slice(0, SUBJECT_MAX - 1).trimEnd()}…`;
  const trailers = [
    `${TRAILER_KEYS.taskId}: ${facts.taskId}`,
    `${TRAILER_KEYS.finalTier}: ${facts.finalTier}`,
    `${TRAILER_KEYS.attempts}: ${facts.attempts}`,
    `${TRAILER_KEYS.tokens}: ${facts.tokens}`,
    ...(facts.verified ? [] : [`${TRAILER_KEYS.verified}: false`]),
  ];
  // A one-line description that fits the subject would only repeat it as the body.
  const body = description === subject ? [] : [description, ""];
  return [subject, "", ...body, ...trailers, ""].join("\n");
}

/** The subject and trailers of the message for the user's own uncommitted changes (--commit-dirty). */
export function dirtyCommitMessage(files: readonly string[], runId: string): string {
  return [
    "Uncommitted changes before smol-coder run",
    "",
    "smol-coder committed these owned files as they were, so the run's own commits hold only its changes:",
    ...files.map((f) => `- ${f}`),
    "",
    `Smol-Run-Id: ${runId}`,
    "",
  ].join("\n");
}
