// Every default number and list, written once. The config file's fallbacks, the env schema,
// the example config, --help and doctor all read them from here, so a default is changed in
// one line.
import type { ContextSettings, Limits, Tier, TierSettings, TokenizerName } from "./types.ts";

/** The model name each tier asks LITELLM_URL for: the model_name aliases in litellm/config.yaml. */
export const MODEL_FOR_TIER: Record<Tier, string> = {
  fast: "fast-coder",
  deep: "deep-coder",
  reviewer: "reviewer",
};

/** Env vars read from the raw env (not part of EnvSchema): tier -> model name. */
export const MODEL_ENV_FOR_TIER: Record<Tier, string> = {
  fast: "SMOL_MODEL_FAST",
  deep: "SMOL_MODEL_DEEP",
  reviewer: "SMOL_MODEL_REVIEWER",
};

// Temperature 0.2 suits code: low, but not greedy, so a retry can produce a different answer.
// maxTokens 4096 fits a 300-line diff with room to spare.
const REPLY_SETTINGS = { temperature: 0.2, maxTokens: 4096 } as const;

// contextWindow MUST equal num_ctx in litellm/config.yaml (a test checks). The three models there
// are Qwen2.5, so their prompts are counted with Qwen's tokenizer.
export const DEFAULT_TIERS: Record<Tier, TierSettings> = {
  fast: { model: MODEL_FOR_TIER.fast, concurrency: 4, contextWindow: 16_384, ...REPLY_SETTINGS, tokenizer: "qwen2.5" },
  deep: { model: MODEL_FOR_TIER.deep, concurrency: 1, contextWindow: 32_768, ...REPLY_SETTINGS, tokenizer: "qwen2.5" },
  reviewer: { model: MODEL_FOR_TIER.reviewer, concurrency: 2, contextWindow: 16_384, ...REPLY_SETTINGS, tokenizer: "qwen2.5" },
};

/**
 * Model names whose tokenizer is Qwen's 151,643-token vocabulary: Qwen 1.5, 2, 2.5 and 3 (and
 * QwQ), in Ollama's spelling (qwen2.5-coder:7b-instruct) or Hugging Face's (Qwen/Qwen3-8B). A
 * later family with another vocabulary (qwen3.5, say) does not match.
 */
const QWEN_VOCABULARY = /(?:^|[^a-z])(?:qwen(?:1\.5|2\.5|2|3)?|qwq)(?![.\d])/i;

/** The tokenizer for a tier whose config does not name one: by its model name, else the estimate. */
export function inferTokenizer(model: string): TokenizerName {
  if (Object.values(MODEL_FOR_TIER).includes(model)) return "qwen2.5";
  return QWEN_VOCABULARY.test(model) ? "qwen2.5" : "estimate";
}

/** Limits.concurrency is each tier's own concurrency setting. */
export function concurrencyByTier(tiers: Record<Tier, TierSettings>): Record<Tier, number> {
  return { fast: tiers.fast.concurrency, deep: tiers.deep.concurrency, reviewer: tiers.reviewer.concurrency };
}

/** The seed's numbers. */
export const DEFAULT_LIMITS: Limits = {
  maxPatchLines: 300,
  attemptsPerTier: 2,
  maxTotalAttempts: 5,
  deepStartFiles: 5,
  deepStartChars: 1000,
  verifyTimeoutMs: 60_000,
  concurrency: concurrencyByTier(DEFAULT_TIERS),
};

/** The package.json scripts that verify a change, in order; doctor checks the workspace has them. */
export const DEFAULT_VERIFY_SCRIPTS: readonly string[] = ["typecheck", "lint", "build"];

/** Commits: off unless --commit, --branch or git.commit asks for them. */
export const DEFAULT_GIT = { commit: false } as const;

/** What the model is shown besides its own files: both parts on. */
export const DEFAULT_CONTEXT: ContextSettings = { imports: true, facts: true };

/** How many run log files are kept. */
export const DEFAULT_LOG_KEEP = 200;

/** Where doctor looks for Ollama itself when OLLAMA_API_BASE is not set: Ollama's own default address. */
export const OLLAMA_DEFAULT_URL = "http://localhost:11434";

/** What EnvSchema (core/env.ts) fills in for an unset env var. */
export const ENV_DEFAULTS = {
  LITELLM_URL: "http://localhost:4000/v1",
  LITELLM_API_KEY: "dev-key",
  LOG_LEVEL: "info",
  VERIFY_TIMEOUT_MS: DEFAULT_LIMITS.verifyTimeoutMs,
  MODEL_TIMEOUT_MS: 300_000,
  MODEL_STALL_TIMEOUT_MS: 60_000,
  MODEL_MAX_RETRIES: 2,
  SMOL_WARM_DEFER_MS: 10_000,
} as const;

/** A check that runs out of time (or is interrupted) gets SIGTERM, then SIGKILL this much later. */
export const KILL_GRACE_MS = 2_000;
