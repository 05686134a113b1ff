// Shapes that cross a border (the task, the env, the model's reply) are zod schemas, and
// their TypeScript types are derived from them so the two can never drift apart.
import path from "node:path";
import { z } from "zod";

export const TIERS = ["fast", "deep", "reviewer"] as const;
export const TierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof TierSchema>;

/** A path the task may touch: relative, normalised, and never leaving the workspace. */
export const OwnedPathSchema = z
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
});
export type Task = z.infer<typeof TaskSchema>;

const positiveInt = z.coerce.number().int().positive();

export const EnvSchema = z.object({
  LITELLM_URL: z.string().url().default("http://localhost:4000/v1"),
  LITELLM_API_KEY: z.string().min(1).default("dev-key"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  NODE_ENV: z.string().optional(),
  VERIFY_TIMEOUT_MS: positiveInt.default(60_000),
  MODEL_TIMEOUT_MS: positiveInt.default(300_000),
  /** Longest silence allowed inside a streamed reply; shorter than MODEL_TIMEOUT_MS. */
  MODEL_STALL_TIMEOUT_MS: positiveInt.default(60_000),
  MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  SMOL_LOG_DIR: z.string().optional(),
  SMOL_STATE_DIR: z.string().optional(),
  /** How long a call for a cold tier waits for another tier's busy model; 0 turns it off. */
  SMOL_WARM_DEFER_MS: z.coerce.number().int().min(0).default(10_000),
  GITHUB_STEP_SUMMARY: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

/** The seed's numbers. Every stage reads its limits from here rather than from literals. */
export interface Limits {
  maxPatchLines: number;
  attemptsPerTier: number;
  maxTotalAttempts: number;
  deepStartFiles: number;
  deepStartChars: number;
  verifyTimeoutMs: number;
  concurrency: Record<Tier, number>;
}

export const DEFAULT_LIMITS: Limits = {
  maxPatchLines: 300,
  attemptsPerTier: 2,
  maxTotalAttempts: 5,
  deepStartFiles: 5,
  deepStartChars: 1000,
  verifyTimeoutMs: 60_000,
  concurrency: { fast: 4, deep: 1, reviewer: 2 },
};

export const MODEL_FOR_TIER: Record<Tier, string> = {
  fast: "fast-coder",
  deep: "deep-coder",
  reviewer: "reviewer",
};

/** What the model returned for one call, after the transport is done with it. */
export interface ModelReply {
  content: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  durationMs: number;
}

/** One finished attempt, as the policy and the next prompt see it. */
export interface AttemptRecord {
  attempt: number;
  tier: Tier;
  outcome: "model_failed" | "patch_rejected" | "verification_fail" | "verification_pass";
  diff: string | null;
  errors: string[];
}

export type Decision = "retry" | "escalate" | "abort";
