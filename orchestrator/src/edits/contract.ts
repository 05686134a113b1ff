// The shapes planEdit takes and returns, and the refusal any stage of it can end in.
import type { LineRange } from "../core/types.ts";

export type EditStrategy = "strict" | "tolerant" | "whole-file";

/** `null` = the file is absent (before: it is new; after: it is deleted). */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
}

type RejectReason =
  | "no_diff"
  | "not_owned"
  | "read_only"
  | "outside_workspace"
  | "too_large"
  | "parse_error"
  | "hunk_not_found"
  | "hunk_ambiguous"
  | "elision"
  | "no_change"
  | "empties_file"
  | "not_shown";

export type EditPlan =
  | {
      ok: true;
      strategy: EditStrategy;
      changes: FileChange[];
      /** Normalised unified diff of the changes (a/ b/ prefixed), for the next prompt and logs. */
      diff: string;
      /** Added + removed lines. */
      linesChanged: number;
    }
  | {
      ok: false;
      reason: RejectReason;
      /** Written FOR THE MODEL: which file, which hunk, which lines, what to do instead. */
      detail: string;
      /** not_shown: the lines of each file the edit changed without their having been shown. */
      unseen?: Array<{ path: string; lines: LineRange[] }>;
    };

/**
 * Applies a unified diff to copies of `files` and returns their new contents (null = absent),
 * or null when the patch is refused. Must never touch the real workspace.
 */
export type StrictApplier = (
  diff: string,
  files: ReadonlyMap<string, string | null>,
) => Promise<Map<string, string | null> | null>;

export interface PlanEditInput {
  /** The model's whole reply text. */
  reply: string;
  /** Owned path (posix, relative, normalised) -> current content, null if it does not exist yet. */
  current: ReadonlyMap<string, string | null>;
  filesOwned: readonly string[];
  /** The task's read-only files: an edit to one is refused, saying it is read-only. */
  filesRead?: readonly string[];
  /** More added+removed lines than this => too_large (300 by default in DEFAULT_LIMITS). */
  maxLines: number;
  /** Injectable; the default runs the real `patch -p1` in a staging directory. */
  applyStrict?: StrictApplier;
  /** The task's description: an edit may empty or delete a file only when it asks for that. */
  description?: string;
  /**
   * For files the model was shown only in part: the lines it was shown (of `current`). An edit
   * must leave every other line as it is, and such a file cannot be answered whole. Files not
   * in the map were shown whole.
   */
  shown?: ReadonlyMap<string, readonly LineRange[]>;
}

export type Rejection = Extract<EditPlan, { ok: false }>;

export function reject(reason: RejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}

/** What one stage of planEdit hands on: its value, or the refusal that ends the plan. */
export type Step<T> = { ok: true; value: T } | Rejection;
