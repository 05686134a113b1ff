// Shapes that cross a border (the task, the model's reply) are zod schemas, and their
// TypeScript types are derived from them so the two can never drift apart.
import path from "node:path";
import { z } from "zod";

export const TIERS = ["fast", "deep", "reviewer"] as const;
export const TierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof TierSchema>;

/** A path a task names (owned or read): relative, normalised, and never leaving the workspace. */
const TaskPathSchema = z
  .string()
  .trim()
  .min(1, "path must not be empty")
  .refine((p) => !path.isAbsolute(p) && !/^[a-zA-Z]:[\\/]/.test(p), "path must be relative to the workspace")
  .refine((p) => !p.split(/[\\/]/).includes(".."), "path must not contain '..'")
  .refine((p) => !p.includes("\0"), "path must not contain NUL")
  .transform((p) => path.posix.normalize(p.replaceAll("\\", "/")))
  .refine((p) => p !== "." && !p.endsWith("/"), "path must name a file");

const TaskFields = z
  .object({
    description: z.string().trim().min(1, "description must not be empty").describe("What to do, in plain words."),
    filesOwned: z
      .array(TaskPathSchema)
      .min(1, "filesOwned needs at least one file")
      .transform((files) => [...new Set(files)])
      .describe("The files the model may read and change, relative to the workspace. A missing file is created."),
    /** Files the model is shown but may not change (they must exist; run/preflight.ts checks). */
    filesRead: z
      .array(TaskPathSchema)
      .transform((files) => [...new Set(files)])
      .optional()
      .describe("Files the model is shown but may not change, relative to the workspace. Each must exist. A path also in filesOwned is owned."),
    /** package.json scripts that verify this task, instead of the config's (e.g. add "test"). */
    verify: z
      .array(z.string().trim().min(1, "script name must not be empty"))
      .min(1)
      .optional()
      .describe("The package.json scripts that verify this task, instead of the config's list."),
  })
  // A typo ("verfy") must not run the task with the defaults it meant to replace.
  .strict();

export const TaskSchema = TaskFields.transform(
  // A path in both lists is owned: the model may change it, so it is shown once, as owned.
  (task): z.output<typeof TaskFields> =>
    task.filesRead ? { ...task, filesRead: task.filesRead.filter((f) => !task.filesOwned.includes(f)) } : task,
);
export type Task = z.infer<typeof TaskSchema>;

/** The numbers every stage reads its limits from, rather than from literals (seeded by DEFAULT_LIMITS). */
export interface Limits {
  maxPatchLines: number;
  attemptsPerTier: number;
  maxTotalAttempts: number;
  deepStartFiles: number;
  deepStartChars: number;
  verifyTimeoutMs: number;
  concurrency: Record<Tier, number>;
}

/**
 * How a tier's prompts are counted: "qwen2.5" with Qwen's own tokenizer (exact; Qwen2.5 and Qwen3
 * share one vocabulary), "estimate" with a character-class estimate that over-counts on purpose.
 */
export const TOKENIZERS = ["qwen2.5", "estimate"] as const;
export const TokenizerSchema = z.enum(TOKENIZERS);
export type TokenizerName = z.infer<typeof TokenizerSchema>;

/** Which parts of the context a run shows the model (the config's `context`); filesRead is always shown. */
export interface ContextSettings {
  /** The exported declarations of the local modules the owned files import. */
  imports: boolean;
  /** The project facts: framework majors, module type, tsconfig options, lint and test tools. */
  facts: boolean;
}

/** How one tier's model is called. */
export interface TierSettings {
  model: string;
  concurrency: number;
  contextWindow: number;
  temperature: number;
  maxTokens: number;
  tokenizer: TokenizerName;
}

/** Lines `start` to `end` of a file, 1-based and inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/** What the model returned for one call, after the transport is done with it. */
export interface ModelReply {
  content: string;
  model: string;
  /** Why the model stopped: "stop" when it finished, "length" at max_tokens, null when the stream ended without saying. */
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  durationMs: number;
}

/**
 * One attempt, as the policy and the next prompt see it. "interrupted" and "write_failed" end
 * the task: the attempt in flight when the run was stopped, or when the workspace refused a write.
 */
export interface AttemptRecord {
  attempt: number;
  tier: Tier;
  outcome: "model_failed" | "patch_rejected" | "verification_fail" | "verification_pass" | "interrupted" | "write_failed";
  diff: string | null;
  errors: string[];
}

export type Decision = "retry" | "escalate" | "abort";
