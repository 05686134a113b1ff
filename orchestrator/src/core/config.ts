// The optional config file (smol-coder.config.json) and how it merges with env vars and flags.
// Precedence, highest first: flags > env > config file > defaults. Every value is checked before
// any model call, and a bad one is refused with the file path and the JSON path of the value.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { InputError } from "./errors.ts";
import { DEFAULT_LIMITS, EnvSchema, MODEL_FOR_TIER, TIERS, type Env, type Limits, type Tier } from "./types.ts";

export const CONFIG_FILE_NAME = "smol-coder.config.json";

// Bounds shared by the file schema and the flag checks.
const VERIFY_TIMEOUT_MIN_MS = 1000;
const VERIFY_TIMEOUT_MAX_MS = 3_600_000;

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
        timeoutMs: z
          .int()
          .min(VERIFY_TIMEOUT_MIN_MS)
          .max(VERIFY_TIMEOUT_MAX_MS)
          .optional()
          .describe("Default timeout for one verification script, in milliseconds."),
        timeouts: z
          .record(scriptName, z.int().min(VERIFY_TIMEOUT_MIN_MS).max(VERIFY_TIMEOUT_MAX_MS))
          .optional()
          .describe("Per-script timeouts in milliseconds, overriding timeoutMs."),
        strict: z.boolean().optional().describe("Count every verification failure, even ones the workspace had before."),
      })
      .strict()
      .optional(),
    logs: z
      .object({
        dir: z.string().trim().min(1).optional().describe("Folder for run logs; relative to this file."),
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

export interface TierSettings {
  model: string;
  concurrency: number;
  contextWindow: number;
  temperature: number;
  maxTokens: number;
}

export interface ResolvedConfig {
  tiers: Record<Tier, TierSettings>;
  /** verifyTimeoutMs is the default per-script timeout; concurrency mirrors tiers[t].concurrency. */
  limits: Limits;
  /** timeouts holds only per-script overrides; use scriptTimeoutMs() to get a script's timeout. */
  verify: { scripts: string[]; timeouts: Record<string, number>; strict: boolean };
  /** dir: null means the caller's default log folder. A dir from the file is absolute (resolved against the file's folder). */
  logs: { dir: string | null; keep: number };
  /** Path of the config file used, or null. */
  source: string | null;
}

// contextWindow MUST equal num_ctx in litellm/config.yaml (a test checks). Temperature 0.2 suits
// code: low, but not greedy, so a retry can produce a different answer. maxTokens 4096 fits a
// 300-line diff with room to spare.
export const DEFAULT_TIERS: Record<Tier, TierSettings> = {
  fast: {
    model: MODEL_FOR_TIER.fast,
    concurrency: DEFAULT_LIMITS.concurrency.fast,
    contextWindow: 16_384,
    temperature: 0.2,
    maxTokens: 4096,
  },
  deep: {
    model: MODEL_FOR_TIER.deep,
    concurrency: DEFAULT_LIMITS.concurrency.deep,
    contextWindow: 32_768,
    temperature: 0.2,
    maxTokens: 4096,
  },
  reviewer: {
    model: MODEL_FOR_TIER.reviewer,
    concurrency: DEFAULT_LIMITS.concurrency.reviewer,
    contextWindow: 16_384,
    temperature: 0.2,
    maxTokens: 4096,
  },
};

export const DEFAULT_VERIFY_SCRIPTS: readonly string[] = ["typecheck", "lint", "build"];
export const DEFAULT_LOG_KEEP = 200;

/** Env vars read from the raw env (not part of EnvSchema): tier -> model name. */
export const MODEL_ENV_FOR_TIER: Record<Tier, string> = {
  fast: "SMOL_MODEL_FAST",
  deep: "SMOL_MODEL_DEEP",
  reviewer: "SMOL_MODEL_REVIEWER",
};

/** A full example config: every field set. Passes ConfigFileSchema (tested). */
export const CONFIG_EXAMPLE = {
  $schema: "./smol-coder.config.schema.json",
  tiers: {
    fast: { model: "fast-coder", concurrency: 4, contextWindow: 16_384, temperature: 0.2, maxTokens: 4096 },
    deep: { model: "deep-coder", concurrency: 1, contextWindow: 32_768, temperature: 0.2, maxTokens: 4096 },
    reviewer: { model: "reviewer", concurrency: 2, contextWindow: 16_384, temperature: 0.2, maxTokens: 4096 },
  },
  escalation: { attemptsPerTier: 2, maxTotalAttempts: 5, deepStartFiles: 5, deepStartChars: 1000 },
  maxPatchLines: 300,
  verify: {
    scripts: ["typecheck", "lint", "test"],
    timeoutMs: 60_000,
    timeouts: { test: 180_000 },
    strict: false,
  },
  logs: { dir: "logs", keep: 200 },
} satisfies ConfigFile;

export interface ConfigFlags {
  /** --config PATH */
  config?: string;
  /** --strict */
  strict?: boolean;
  /** --verify-timeout-ms N */
  verifyTimeoutMs?: number;
}

export interface LoadConfigOptions {
  workspace: string;
  flags: ConfigFlags;
  /** Parsed EnvSchema. */
  env: Env;
  /**
   * The raw environment (process.env). Needed for SMOL_MODEL_* and to tell whether
   * VERIFY_TIMEOUT_MS was really set (EnvSchema fills in a default). Without it, the model vars
   * are ignored and VERIFY_TIMEOUT_MS counts as set only when it differs from its default.
   */
  rawEnv?: Record<string, string | undefined>;
}

const ENV_DEFAULT_VERIFY_TIMEOUT_MS = EnvSchema.parse({}).VERIFY_TIMEOUT_MS;

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return "(root)";
  let out = "";
  for (const key of p) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per problem: `FILE: json.path: reason`. */
function describeConfigIssues(file: string, error: z.ZodError): string {
  return error.issues.map((i) => `${file}: ${formatPath(i.path)}: ${i.message}`).join("\n");
}

/** Parses and validates config text; throws InputError naming `file` on any problem. */
export function parseConfigText(text: string, file: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const result = ConfigFileSchema.safeParse(json);
  if (!result.success) throw new InputError(`invalid config:\n${describeConfigIssues(file, result.error)}`);
  return result.data;
}

async function readConfigFile(workspace: string, explicit: string | undefined): Promise<{ file: string; text: string } | null> {
  if (explicit !== undefined) {
    try {
      return { file: explicit, text: await readFile(explicit, "utf8") };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : (code ?? (err as Error).message);
      throw new InputError(`cannot read config file ${explicit} (--config): ${why}`);
    }
  }
  const file = path.join(workspace, CONFIG_FILE_NAME);
  try {
    return { file, text: await readFile(file, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw new InputError(`cannot read config file ${file}: ${code ?? (err as Error).message}`);
  }
}

function checkFlags(flags: ConfigFlags): void {
  const t = flags.verifyTimeoutMs;
  if (t !== undefined && (!Number.isInteger(t) || t < VERIFY_TIMEOUT_MIN_MS || t > VERIFY_TIMEOUT_MAX_MS)) {
    throw new InputError(
      `--verify-timeout-ms must be a whole number of milliseconds from ${VERIFY_TIMEOUT_MIN_MS} to ${VERIFY_TIMEOUT_MAX_MS}, got ${t}`,
    );
  }
}

/** Finds, validates and merges the config: flags > env > config file > defaults. */
export async function loadConfig(opts: LoadConfigOptions): Promise<ResolvedConfig> {
  const { workspace, flags, env, rawEnv } = opts;
  checkFlags(flags);
  const found = await readConfigFile(workspace, flags.config);
  const file: ConfigFile = found ? parseConfigText(found.text, found.file) : {};

  const tiers = {} as Record<Tier, TierSettings>;
  for (const tier of TIERS) {
    const fromFile = file.tiers?.[tier] ?? {};
    const envModel = rawEnv?.[MODEL_ENV_FOR_TIER[tier]];
    tiers[tier] = {
      model: isSet(envModel) ? envModel.trim() : (fromFile.model ?? DEFAULT_TIERS[tier].model),
      concurrency: fromFile.concurrency ?? DEFAULT_TIERS[tier].concurrency,
      contextWindow: fromFile.contextWindow ?? DEFAULT_TIERS[tier].contextWindow,
      temperature: fromFile.temperature ?? DEFAULT_TIERS[tier].temperature,
      maxTokens: fromFile.maxTokens ?? DEFAULT_TIERS[tier].maxTokens,
    };
  }

  const envTimeoutSet = rawEnv ? isSet(rawEnv.VERIFY_TIMEOUT_MS) : env.VERIFY_TIMEOUT_MS !== ENV_DEFAULT_VERIFY_TIMEOUT_MS;
  const verifyTimeoutMs =
    flags.verifyTimeoutMs ??
    (envTimeoutSet ? env.VERIFY_TIMEOUT_MS : undefined) ??
    file.verify?.timeoutMs ??
    DEFAULT_LIMITS.verifyTimeoutMs;

  const esc = file.escalation ?? {};
  const limits: Limits = {
    maxPatchLines: file.maxPatchLines ?? DEFAULT_LIMITS.maxPatchLines,
    attemptsPerTier: esc.attemptsPerTier ?? DEFAULT_LIMITS.attemptsPerTier,
    maxTotalAttempts: esc.maxTotalAttempts ?? DEFAULT_LIMITS.maxTotalAttempts,
    deepStartFiles: esc.deepStartFiles ?? DEFAULT_LIMITS.deepStartFiles,
    deepStartChars: esc.deepStartChars ?? DEFAULT_LIMITS.deepStartChars,
    verifyTimeoutMs,
    concurrency: { fast: tiers.fast.concurrency, deep: tiers.deep.concurrency, reviewer: tiers.reviewer.concurrency },
  };

  const fileLogDir = file.logs?.dir !== undefined && found ? path.resolve(path.dirname(found.file), file.logs.dir) : null;
  return {
    tiers,
    limits,
    verify: {
      scripts: [...(file.verify?.scripts ?? DEFAULT_VERIFY_SCRIPTS)],
      timeouts: { ...file.verify?.timeouts },
      strict: flags.strict ?? file.verify?.strict ?? false,
    },
    logs: {
      dir: isSet(env.SMOL_LOG_DIR) ? env.SMOL_LOG_DIR : fileLogDir,
      keep: file.logs?.keep ?? DEFAULT_LOG_KEEP,
    },
    source: found?.file ?? null,
  };
}

/** The timeout for one verification script: its own entry in verify.timeouts, else the default. */
export function scriptTimeoutMs(config: Pick<ResolvedConfig, "verify" | "limits">, script: string): number {
  return config.verify.timeouts[script] ?? config.limits.verifyTimeoutMs;
}

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
