// `smol-coder doctor`: the checks of doctor/ against what a run in that workspace would use (its
// env, its config file, its tier models), printed one per line.
import { loadConfig } from "../core/config.ts";
import { DEFAULT_TIERS, DEFAULT_VERIFY_SCRIPTS, MODEL_ENV_FOR_TIER, OLLAMA_DEFAULT_URL } from "../core/defaults.ts";
import { parseEnv, type Env } from "../core/env.ts";
import { EXIT, InputError } from "../core/errors.ts";
import { TIERS, type Tier } from "../core/types.ts";
import { defaultLogDir, defaultStateDir } from "../concurrency/state-dir.ts";
import { formatDoctor, runDoctor } from "./doctor/index.ts";
import type { RawEnv } from "./main.ts";

export async function runDoctorCommand(rawEnv: RawEnv, workspace: string | undefined, configFlag: string | undefined): Promise<number> {
  const env = parseEnv(rawEnv);
  const resolved = await resolveForDoctor(env, rawEnv, workspace, configFlag);
  const result = await runDoctor({
    litellmUrl: env.LITELLM_URL,
    apiKey: env.LITELLM_API_KEY,
    tierModels: resolved.tierModels,
    config: resolved.config,
    verifyScripts: resolved.verifyScripts,
    ollamaUrl: rawEnv.OLLAMA_API_BASE?.trim() || OLLAMA_DEFAULT_URL,
    workspace,
    stateDir: defaultStateDir(rawEnv),
    logDir: resolved.logDir ?? defaultLogDir(rawEnv),
    callTimeoutMs: env.MODEL_TIMEOUT_MS,
  });
  process.stdout.write(`${formatDoctor(result)}\n`);
  return result.ok ? EXIT.ok : EXIT.aborted;
}

/** What a run in that workspace would use; a config file it would refuse becomes doctor's FAIL, with the defaults checked meanwhile. */
async function resolveForDoctor(env: Env, rawEnv: RawEnv, workspace: string | undefined, configFlag: string | undefined) {
  const fallback = {
    // The names a run would ask for: SMOL_MODEL_* when set (Ollama without the proxy), else the aliases.
    tierModels: Object.fromEntries(TIERS.map((t) => [t, rawEnv[MODEL_ENV_FOR_TIER[t]]?.trim() || DEFAULT_TIERS[t].model])) as Record<Tier, string>,
    verifyScripts: DEFAULT_VERIFY_SCRIPTS,
    logDir: env.SMOL_LOG_DIR ?? null,
  };
  try {
    const config = await loadConfig({ workspace: workspace ?? process.cwd(), flags: { config: configFlag }, env, rawEnv });
    const tierModels = Object.fromEntries(TIERS.map((t) => [t, config.tiers[t].model])) as Record<Tier, string>;
    return { tierModels, verifyScripts: config.verify.scripts, logDir: config.logs.dir, config: { source: config.source } };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { ...fallback, config: { error: err.message } };
  }
}
