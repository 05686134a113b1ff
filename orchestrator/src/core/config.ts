// The optional config file (smol-coder.config.json) and how it merges with env vars and flags.
// Precedence, highest first: flags > env > config file > defaults. Every value is checked before
// any model call, and a bad one is refused with the file path and the JSON path of the value.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CONFIG_FILE_NAME, ConfigFileSchema, type ConfigFile } from "./config-schema.ts";
import { parseVerifyTimeoutMs } from "./verify-timeout.ts";
import {
  concurrencyByTier,
  DEFAULT_CONTEXT,
  DEFAULT_GIT,
  DEFAULT_LIMITS,
  DEFAULT_LOG_KEEP,
  DEFAULT_TIERS,
  DEFAULT_VERIFY_SCRIPTS,
  ENV_DEFAULTS,
  inferTokenizer,
  MODEL_ENV_FOR_TIER,
} from "./defaults.ts";
import type { Env } from "./env.ts";
import { InputError, readErrorText } from "./errors.ts";
import { TIERS, type ContextSettings, type Limits, type Tier, type TierSettings } from "./types.ts";
import { issueLines } from "./zod-issues.ts";

export interface ResolvedConfig {
  tiers: Record<Tier, TierSettings>;
  /** verifyTimeoutMs is the default per-script timeout; concurrency mirrors tiers[t].concurrency. */
  limits: Limits;
  /** timeouts holds only per-script overrides; scriptTimeoutMs() gives a script's timeout. */
  verify: { scripts: string[]; timeouts: Record<string, number>; strict: boolean };
  /** commit: each completed task becomes a commit (flags > config file > default). */
  git: { commit: boolean };
  /** What the model is shown besides its own files. */
  context: ContextSettings;
  /** dir: null means the caller's default log folder. A dir from the file is absolute (resolved against the file's folder). */
  logs: { dir: string | null; keep: number };
  /** Path of the config file used, or null. */
  source: string | null;
}

export interface ConfigFlags {
  /** --config PATH */
  config?: string;
  /** --strict */
  strict?: boolean;
  /** --verify-timeout-ms N */
  verifyTimeoutMs?: number;
  /** --commit (true) or --no-commit (false); undefined leaves the config file's setting. */
  commit?: boolean;
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

/** A config file that was found: its path and its checked contents. */
interface FoundConfig {
  file: string;
  contents: ConfigFile;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

/** Parses and validates config text; throws InputError naming `file` on any problem. */
function parseConfigText(text: string, file: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, "")); // a byte-order mark (Windows editors) is not JSON
  } catch (err) {
    throw new InputError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const result = ConfigFileSchema.safeParse(json);
  if (!result.success) {
    const lines = issueLines(result.error, "json").map((line) => `${file}: ${line}`);
    throw new InputError(`invalid config:\n${lines.join("\n")}`);
  }
  return result.data;
}

async function readConfigFile(workspace: string, explicit: string | undefined): Promise<{ file: string; text: string } | null> {
  if (explicit !== undefined) {
    try {
      return { file: explicit, text: await readFile(explicit, "utf8") };
    } catch (err) {
      throw new InputError(`cannot read config file ${explicit} (--config): ${readErrorText(err)}`);
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

function resolveTiers(file: ConfigFile, rawEnv: LoadConfigOptions["rawEnv"]): Record<Tier, TierSettings> {
  const tiers = {} as Record<Tier, TierSettings>;
  for (const tier of TIERS) {
    const fromFile = file.tiers?.[tier] ?? {};
    const envModel = rawEnv?.[MODEL_ENV_FOR_TIER[tier]];
    const model = isSet(envModel) ? envModel.trim() : (fromFile.model ?? DEFAULT_TIERS[tier].model);
    tiers[tier] = {
      model,
      concurrency: fromFile.concurrency ?? DEFAULT_TIERS[tier].concurrency,
      contextWindow: fromFile.contextWindow ?? DEFAULT_TIERS[tier].contextWindow,
      temperature: fromFile.temperature ?? DEFAULT_TIERS[tier].temperature,
      maxTokens: fromFile.maxTokens ?? DEFAULT_TIERS[tier].maxTokens,
      // Named in the file, or known from the model's name (SMOL_MODEL_* included), else the estimate.
      tokenizer: fromFile.tokenizer ?? inferTokenizer(model),
    };
  }
  return tiers;
}

function resolveVerifyTimeoutMs(file: ConfigFile, opts: LoadConfigOptions): number {
  const { flags, env, rawEnv } = opts;
  const envTimeoutSet = rawEnv ? isSet(rawEnv.VERIFY_TIMEOUT_MS) : env.VERIFY_TIMEOUT_MS !== ENV_DEFAULTS.VERIFY_TIMEOUT_MS;
  return (
    flags.verifyTimeoutMs ??
    (envTimeoutSet ? env.VERIFY_TIMEOUT_MS : undefined) ??
    file.verify?.timeoutMs ??
    DEFAULT_LIMITS.verifyTimeoutMs
  );
}

/** The merge itself, pure: flags > env > config file > defaults. */
function mergeConfig(found: FoundConfig | null, opts: LoadConfigOptions): ResolvedConfig {
  const { flags, env } = opts;
  const file = found?.contents ?? {};
  const tiers = resolveTiers(file, opts.rawEnv);
  const esc = file.escalation ?? {};
  const limits: Limits = {
    maxPatchLines: file.maxPatchLines ?? DEFAULT_LIMITS.maxPatchLines,
    attemptsPerTier: esc.attemptsPerTier ?? DEFAULT_LIMITS.attemptsPerTier,
    maxTotalAttempts: esc.maxTotalAttempts ?? DEFAULT_LIMITS.maxTotalAttempts,
    deepStartFiles: esc.deepStartFiles ?? DEFAULT_LIMITS.deepStartFiles,
    deepStartChars: esc.deepStartChars ?? DEFAULT_LIMITS.deepStartChars,
    verifyTimeoutMs: resolveVerifyTimeoutMs(file, opts),
    concurrency: concurrencyByTier(tiers),
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
    git: { commit: flags.commit ?? file.git?.commit ?? DEFAULT_GIT.commit },
    context: { ...DEFAULT_CONTEXT, ...file.context },
    logs: {
      dir: isSet(env.SMOL_LOG_DIR) ? env.SMOL_LOG_DIR : fileLogDir,
      keep: file.logs?.keep ?? DEFAULT_LOG_KEEP,
    },
    source: found?.file ?? null,
  };
}

/** Finds, validates and merges the config: flags > env > config file > defaults. */
export async function loadConfig(opts: LoadConfigOptions): Promise<ResolvedConfig> {
  // parseCliArgs already checked the CLI's text with the same rule; this holds it for callers that build flags by hand.
  if (opts.flags.verifyTimeoutMs !== undefined) parseVerifyTimeoutMs(opts.flags.verifyTimeoutMs);
  const read = await readConfigFile(opts.workspace, opts.flags.config);
  const found = read ? { file: read.file, contents: parseConfigText(read.text, read.file) } : null;
  return mergeConfig(found, opts);
}

/** The timeout for one verification script: its own entry in verify.timeouts, else the default. */
export function scriptTimeoutMs(config: Pick<ResolvedConfig, "verify" | "limits">, script: string): number {
  return config.verify.timeouts[script] ?? config.limits.verifyTimeoutMs;
}
