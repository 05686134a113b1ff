// Shapes that cross a border (the task, the model's reply) are zod schemas, and their
// TypeScript types are derived from them so the two can never drift apart.
import path from "node:path";
import { z } from "zod";

export const TIERS = ["fast", "deep", "reviewer"] as const;
export const TierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof TierSchema>;

/** A path the task may touch: relative, normalised, and never leaving the workspace. */
const OwnedPathSchema = z
  .string()
  .trim()
  .min(1, "path must not be empty")
  .refine((p) => !path.isAbsolute(p) && !/^[a-zA-Z]:[\\/]/.test(p), "path must be relative to the workspace")
  .refine((p) => !p.split(/[\\/]/).includes(".."), "path must not contain '..'")
  .refine((p) => !p.includes("\0"), "path must not contain NUL")
  .transform((p) => path.posix.normalize(p.replaceAll("\\", "/")))
  .refine((p) => p !== "." && !p.endsWith("/"), "path must name a file");

export const TaskSchema = z.object({
  description: z.string().trim().min(1, "description must not be empty"),
  filesOwned: z
    .array(OwnedPathSchema)
    .min(1, "filesOwned needs at least one file")
    .transform((files) => [...new Set(files)]),
  /** package.json scripts that verify this task, instead of the config's (e.g. add "test"). */
  verify: z.array(z.string().trim().min(1, "script name must not be empty")).min(1).optional(),
})
  // A typo ("verfy") must not run the task with the defaults it meant to replace.
  .strict();
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
