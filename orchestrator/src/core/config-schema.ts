// The shape of the optional config file (smol-coder.config.json): its zod schema, the JSON
// Schema generated from it for editors, and a full example. Every bound lives here once.
import { z } from "zod";
import { DEFAULT_CONTEXT, DEFAULT_GIT, DEFAULT_LIMITS, DEFAULT_LOG_KEEP, DEFAULT_TIERS, DEFAULT_VERIFY_SCRIPTS } from "./defaults.ts";
import { InputError } from "./errors.ts";
import { TIERS, TokenizerSchema } from "./types.ts";
import { VERIFY_TIMEOUT_MAX_MS, VERIFY_TIMEOUT_MIN_MS } from "./verify-timeout.ts";

export const CONFIG_FILE_NAME = "smol-coder.config.json";

/** One verification script's timeout in the file; --verify-timeout-ms has the same bounds. */
const VerifyTimeoutMs = z.int().min(VERIFY_TIMEOUT_MIN_MS).max(VERIFY_TIMEOUT_MAX_MS);

const TierConfig = z
  .object({
    model: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('Model name sent to LITELLM_URL, e.g. "fast-coder" (LiteLLM alias) or "qwen2.5-coder:7b-instruct" (Ollama).'),
    concurrency: z.int().min(1).max(64).optional().describe("How many requests to this tier may run at once."),
    contextWindow: z
      .int()
      .min(512)
      .max(1_048_576)
      .optional()
      .describe("Context budget in tokens (prompt + reply). Keep equal to the server's num_ctx for this model."),
    temperature: z.number().min(0).max(2).optional().describe("Sampling temperature."),
    maxTokens: z.int().min(1).max(65_536).optional().describe("Most tokens the model may write in one reply."),
    tokenizer: TokenizerSchema.optional().describe(
      'How this tier\'s prompts are counted: "qwen2.5" (Qwen\'s own tokenizer, exact; also right for Qwen3) or "estimate" (a character-class estimate that over-counts, for other models). Default: "qwen2.5" for the default model names and Qwen models, "estimate" for any other model name.',
    ),
  })
  .strict();

const scriptName = z.string().trim().min(1);

const ConfigFileObject = z
  .object({
    $schema: z.string().optional().describe("Path or URL of this file's JSON Schema, for editors."),
    tiers: z
      .object({ fast: TierConfig.optional(), deep: TierConfig.optional(), reviewer: TierConfig.optional() })
      .strict()
      .optional()
      .describe("Per-tier model settings."),
    escalation: z
      .object({
        attemptsPerTier: z.int().min(1).max(10).optional().describe("Attempts on one tier before escalating."),
        maxTotalAttempts: z.int().min(1).max(20).optional().describe("Attempts across all tiers before aborting."),
        deepStartFiles: z.int().min(0).max(1000).optional().describe("Start on the deep tier when the task owns more files than this."),
        deepStartChars: z
          .int()
          .min(0)
          .max(1_000_000)
          .optional()
          .describe("Start on the deep tier when the task description is longer than this."),
      })
      .strict()
      .optional(),
    maxPatchLines: z.int().min(1).max(10_000).optional().describe("Largest diff (changed lines) accepted from a model."),
    verify: z
      .object({
        scripts: z.array(scriptName).optional().describe("package.json scripts run to verify a change, in order."),
        timeoutMs: VerifyTimeoutMs.optional().describe("Default timeout for one verification script, in milliseconds."),
        timeouts: z
          .record(scriptName, VerifyTimeoutMs)
          .optional()
          .describe("Per-script timeouts in milliseconds, overriding timeoutMs."),
        strict: z.boolean().optional().describe("Count every verification failure, even ones the workspace had before."),
      })
      .strict()
      .optional(),
    git: z
      .object({
        commit: z
          .boolean()
          .optional()
          .describe("Commit each completed task: one commit holding exactly its owned files (like --commit; --no-commit overrides)."),
      })
      .strict()
      .optional()
      .describe("Commits made by a run."),
    context: z
      .object({
        imports: z.boolean().optional().describe("Show the model the exported declarations of the local modules its files import."),
        facts: z.boolean().optional().describe("Show the model the project facts: framework versions, module type, tsconfig options, lint and test tools."),
      })
      .strict()
      .optional()
      .describe("What the model is shown besides its own files; a task's filesRead are always shown."),
    logs: z
      .object({
        dir: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe("Folder for run logs, relative to this file (default: the state folder's logs/, e.g. ~/.cache/smol-coder/logs)."),
        keep: z.int().min(1).max(10_000).optional().describe("How many run log files to keep."),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Checks that need more than one field; absent fields count at their default. */
function crossFieldChecks(cfg: z.infer<typeof ConfigFileObject>, ctx: z.RefinementCtx): void {
  const perTier = cfg.escalation?.attemptsPerTier ?? DEFAULT_LIMITS.attemptsPerTier;
  const total = cfg.escalation?.maxTotalAttempts ?? DEFAULT_LIMITS.maxTotalAttempts;
  if (perTier > total) {
    ctx.addIssue({
      code: "custom",
      path: ["escalation", "attemptsPerTier"],
      message: `must be <= maxTotalAttempts (${total})`,
    });
  }
  for (const tier of TIERS) {
    const t = cfg.tiers?.[tier];
    const maxTokens = t?.maxTokens ?? DEFAULT_TIERS[tier].maxTokens;
    const window = t?.contextWindow ?? DEFAULT_TIERS[tier].contextWindow;
    if (maxTokens >= window) {
      ctx.addIssue({
        code: "custom",
        path: ["tiers", tier, t?.maxTokens !== undefined ? "maxTokens" : "contextWindow"],
        message: `maxTokens (${maxTokens}) must be less than contextWindow (${window}) to leave room for the prompt`,
      });
    }
  }
  const scripts = cfg.verify?.scripts ?? DEFAULT_VERIFY_SCRIPTS;
  const seen = new Set<string>();
  cfg.verify?.scripts?.forEach((s, i) => {
    if (seen.has(s)) ctx.addIssue({ code: "custom", path: ["verify", "scripts", i], message: `"${s}" is listed twice` });
    seen.add(s);
  });
  for (const name of Object.keys(cfg.verify?.timeouts ?? {})) {
    if (!scripts.includes(name)) {
      ctx.addIssue({
        code: "custom",
        path: ["verify", "timeouts", name],
        message: `"${name}" is not one of verify.scripts (${scripts.join(", ")})`,
      });
    }
  }
}

/** zod schema of the config FILE. Every field optional; unknown keys are refused so typos are caught. */
export const ConfigFileSchema = ConfigFileObject.superRefine(crossFieldChecks);
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/**
 * A full example config: every field set (but logs.dir), at its default except where the example
 * shows an override (a "test" script with its own timeout). Passes ConfigFileSchema (tested).
 */
export const CONFIG_EXAMPLE = {
  $schema: "./smol-coder.config.schema.json",
  tiers: DEFAULT_TIERS,
  escalation: {
    attemptsPerTier: DEFAULT_LIMITS.attemptsPerTier,
    maxTotalAttempts: DEFAULT_LIMITS.maxTotalAttempts,
    deepStartFiles: DEFAULT_LIMITS.deepStartFiles,
    deepStartChars: DEFAULT_LIMITS.deepStartChars,
  },
  maxPatchLines: DEFAULT_LIMITS.maxPatchLines,
  verify: {
    scripts: ["typecheck", "lint", "test"],
    timeoutMs: DEFAULT_LIMITS.verifyTimeoutMs,
    timeouts: { test: 180_000 },
    strict: false,
  },
  git: { commit: DEFAULT_GIT.commit },
  context: DEFAULT_CONTEXT,
  // No logs.dir: a folder in the workspace would leave files the task does not own in the
  // project (logs go to the state folder's logs/ by default).
  logs: { keep: DEFAULT_LOG_KEEP },
} satisfies ConfigFile;

/** The JSON Schema (draft 2020-12) of the config file, as scripts/gen-config-schema.ts writes it. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigFileSchema, { target: "draft-2020-12" });
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: "smol-coder config",
    description: `Settings for smol-coder, read from ${CONFIG_FILE_NAME} in the workspace or from --config PATH. Every field is optional; precedence is flags > env > this file > defaults.`,
    ...rest,
  };
}

/** The schema file's exact contents (what `smol-coder schema` prints): pretty JSON and a newline. */
export function renderConfigSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
