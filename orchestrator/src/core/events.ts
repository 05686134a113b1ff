// Every event smol-coder logs, in one union. The first group is the seed's table; the rest
// are the few extra events the issues ask for. Adding a field here is the only way to log it,
// which keeps the README's event table honest.
import type { Tier, TokenizerName } from "./types.ts";

/** Tokens of the prompt that went to each kind of content, counted as the prompt was (by the tier's tokenizer). */
export interface PromptTokensByPart {
  owned: number;
  readOnly: number;
  imports: number;
  facts: number;
  feedback: number;
}

export interface TokenTotals {
  prompt: number;
  completion: number;
  total: number;
}

export type SmolEvent =
  | {
      event: "orchestrator_startup";
      litellmUrl: string;
      workspace: string;
      version: string;
      /** Where this run's log file is written (every line, down to debug); null when there is none. */
      logFile: string | null;
    }
  /** A corrupt lease db in the state folder was kept under `movedTo` and replaced by a new one. */
  | { event: "state_recovered"; file: string; movedTo: string; reason: string }
  | {
      event: "journal_recovered";
      /** The journal file an earlier run left: it ended (killed, or the machine went down) before its files were final. */
      journal: string;
      /** That run's process id and when its task started. */
      pid: number;
      startedAt: string;
      /** Files put back to their bytes before that run (a file it created is removed). */
      restored: string[];
      /** Files that already held those bytes. */
      unchanged: string[];
      /** Files that hold what that run wrote and HEAD holds too (it had committed them): kept. */
      committed: string[];
    }
  | { event: "task_created"; tier: Tier; description: string; files: string[] }
  | {
      event: "tier_selected";
      tier: Tier;
      reason: string;
      /** The first prompt at that tier, counted by its tokenizer. */
      promptTokens: number;
    }
  | {
      event: "tier_skipped";
      /** The tier passed over: its window cannot hold the prompt, even with the files shown in part. */
      tier: Tier;
      reason: string;
      promptTokens: number;
      /** What its window leaves for the prompt (contextWindow - maxTokens). */
      available: number;
    }
  | { event: "prompt_excerpted"; tier: Tier; attempt: number; files: ExcerptedFileEvent[] }
  | { event: "slot_wait"; tier: Tier; position: number; holders: number; limit: number }
  | { event: "slot_acquired"; tier: Tier; waitedMs: number }
  | { event: "tier_deferred"; tier: Tier; busyTiers: Tier[] }
  | { event: "tier_resumed"; tier: Tier; waitedMs: number }
  | {
      event: "model_call_start";
      tier: Tier;
      model: string;
      attempt: number;
      /** The request as counted before sending, chat template included. */
      promptTokens: number;
      /** "qwen2.5": counted exactly with Qwen's tokenizer; "estimate": over-counted on purpose. */
      tokenizer: TokenizerName;
      /** How many of those tokens went to each kind of content, by the same count. */
      tokensByPart: PromptTokensByPart;
    }
  /** The whole request as sent: debug level, so it is in the run log but not on stdout. */
  | { event: "model_prompt"; tier: Tier; model: string; attempt: number; messages: Array<{ role: string; content: string }> }
  | {
      event: "model_call_complete";
      tier: Tier;
      model: string;
      attempt: number;
      tokens: number;
      promptTokens: number;
      completionTokens: number;
      durationMs: number;
    }
  | {
      /** A call that gave no usable reply: why, with the server's status and words. */
      event: "model_call_failed";
      tier: Tier;
      model: string;
      attempt: number;
      reason: string;
      status: number | null;
      message: string;
      durationMs: number;
      /** What the call cost: a reply cut off at max_tokens still spent its tokens (0 when none came). */
      tokens: number;
    }
  | {
      event: "model_call_retry";
      tier: Tier;
      model: string;
      attempt: number;
      retry: number;
      waitMs: number;
      status: number | null;
      reason: string;
    }
  | {
      event: "prompt_truncated";
      tier: Tier;
      model: string;
      attempt: number;
      /** As model_call_start counted it. */
      promptTokens: number;
      tokenizer: TokenizerName;
      reportedTokens: number;
      contextWindow: number;
    }
  | { event: "patch_applied"; tier: Tier; attempt: number; linesChanged: number; files: string[]; strategy: string }
  | { event: "patch_rejected"; tier: Tier; attempt: number; reason: string; detail: string }
  | { event: "verification_start"; attempt: number; checks: string[] }
  | {
      event: "verification_baseline";
      ok: boolean;
      /** Taken from the cache: the workspace had not changed since that run. */
      cached: boolean;
      errorCount: number;
      errors: string[];
      failedChecks: string[];
      durationMs: number;
    }
  | { event: "verification_skipped"; attempt: number; check: string; reason: string }
  | { event: "verification_pass"; attempt: number; durationMs: number }
  | {
      event: "verification_fail";
      attempt: number;
      errorCount: number;
      errors: string[];
      failedChecks: string[];
      durationMs: number;
    }
  | { event: "escalation"; fromTier: Tier; toTier: Tier; reason: string }
  /** A task's change (or, with --commit-dirty, the user's own changes) was committed. */
  | { event: "commit_created"; sha: string; branch: string; files: string[] }
  /** --resume: the task completed in the earlier run and its files are as it left them. */
  | { event: "task_skipped"; description: string; earlierRunId: string; commit: string | null }
  /** --branch: owned files the user changed in their own checkout, which the branch does not have. */
  | { event: "uncommitted_left_out"; branch: string; files: string[] }
  | {
      event: "task_complete";
      totalAttempts: number;
      finalTier: Tier;
      durationMs: number;
      tokens: TokenTotals;
      tokensByTier: Record<Tier, TokenTotals>;
      files: string[];
      /** False when the task ran without any check (--no-checks, or verify.scripts: []). */
      verified: boolean;
      /** --dry-run: the files were put back; `files` is what the edit would change. */
      dryRun: boolean;
    }
  | RunSummaryEvent
  | {
      event: "task_abort";
      totalAttempts: number;
      finalTier: Tier;
      lastErrors: string[];
      reason: string;
      durationMs: number;
      tokens: TokenTotals;
      tokensByTier: Record<Tier, TokenTotals>;
      /** --keep-failed left the last attempt in place (the other ends restore every file). */
      keptFailed: boolean;
      /** The files left as the last attempt wrote them; [] when all were restored. */
      keptFiles: string[];
    }
  | { event: "model_reply"; tier: Tier; model: string; attempt: number; content: string }
  | {
      event: "check_result";
      /** 0 for the baseline. */
      attempt: number;
      check: string;
      ok: boolean;
      reason: string;
      exitCode: number | null;
      durationMs: number;
      /** The last lines of its output. */
      output: string;
    };

/** A file the prompt showed as its outline and excerpts. */
export interface ExcerptedFileEvent {
  file: string;
  /** Lines in the file, and how many of them were shown. */
  lines: number;
  shownLines: number;
  /** The line ranges shown, e.g. "1-14, 120-164". */
  shown: string;
  /** 0 is the most detailed level of excerpts; higher levels show less. */
  level: number;
}

/** Logged once at the end of a run, over all its tasks. */
export interface RunSummaryEvent {
  event: "run_summary";
  tasks: number;
  done: number;
  /** Of the done tasks, how many no check verified. */
  unverified: number;
  /** Completed in an earlier run (--resume) and not run again. */
  skipped: number;
  aborted: number;
  failed: number;
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  tokens: TokenTotals;
  tokensByTier: Record<Tier, TokenTotals>;
  wallMs: number;
}

export type EventName = SmolEvent["event"];

/** The level each event is logged at, so that `LOG_LEVEL=warn` still shows failures. */
export const EVENT_LEVEL: Record<EventName, "debug" | "info" | "warn" | "error"> = {
  orchestrator_startup: "info",
  state_recovered: "warn",
  journal_recovered: "warn",
  task_created: "info",
  tier_selected: "info",
  tier_skipped: "warn",
  prompt_excerpted: "info",
  slot_wait: "info",
  slot_acquired: "info",
  tier_deferred: "info",
  tier_resumed: "info",
  model_call_start: "info",
  // Whole prompts are long: in the run log (which keeps debug), on stdout only with LOG_LEVEL=debug.
  model_prompt: "debug",
  model_call_complete: "info",
  model_call_retry: "warn",
  model_call_failed: "warn",
  prompt_truncated: "warn",
  patch_applied: "info",
  patch_rejected: "warn",
  verification_start: "info",
  verification_baseline: "info",
  verification_skipped: "info",
  verification_pass: "info",
  verification_fail: "warn",
  escalation: "info",
  commit_created: "info",
  task_skipped: "info",
  uncommitted_left_out: "warn",
  task_complete: "info",
  task_abort: "error",
  run_summary: "info",
  // For post-mortems: in the log file (which keeps debug), on stdout only with LOG_LEVEL=debug.
  model_reply: "debug",
  check_result: "debug",
};
