// The CLI shell's front: which command runs, and the one place where a FatalError (or a bug)
// becomes an exit code and a one-line message.
import pkg from "../../package.json" with { type: "json" };
import { loadConfig } from "../core/config.ts";
import { DEFAULT_TIERS, DEFAULT_VERIFY_SCRIPTS, MODEL_ENV_FOR_TIER, OLLAMA_DEFAULT_URL } from "../core/defaults.ts";
import { parseEnv, type Env } from "../core/env.ts";
import { EXIT, FatalError, InputError } from "../core/errors.ts";
import { TIERS, type Tier } from "../core/types.ts";
import { defaultStateDir } from "../concurrency/state-dir.ts";
import { parseCliArgs, USAGE } from "./args.ts";
import { DEFAULT_LOG_DIR, runTasks } from "./run-command.ts";

export type RawEnv = Record<string, string | undefined>;

export async function main(argv: readonly string[], rawEnv: RawEnv): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.command === "version") {
    process.stdout.write(`smol-coder ${pkg.version}\n`);
    return EXIT.ok;
  }
  const env = parseEnv(rawEnv);
  if (args.command === "doctor") return runDoctorCommand(env, rawEnv, args.workspace, args.config);
  return runTasks(args, env, rawEnv);
}

/** main(), with every way it can fail turned into an exit code and a message on stderr. */
export async function runMain(argv: readonly string[], rawEnv: RawEnv): Promise<number> {
  try {
    return await main(argv, rawEnv);
  } catch (err) {
    if (err instanceof FatalError) {
      process.stderr.write(`smol-coder: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`smol-coder: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.aborted;
  }
}

async function runDoctorCommand(env: Env, rawEnv: RawEnv, workspace: string | undefined, configFlag: string | undefined): Promise<number> {
  const { runDoctor, formatDoctor } = await import("./doctor/index.ts");
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
    logDir: resolved.logDir ?? DEFAULT_LOG_DIR,
    callTimeoutMs: env.MODEL_TIMEOUT_MS,
  });
  process.stdout.write(`${formatDoctor(result)}\n`);
  return result.ok ? EXIT.ok : EXIT.aborted;
}

/** What a run in that workspace would use; a config file it would refuse becomes doctor's FAIL, with the defaults checked meanwhile. */
async function resolveForDoctor(env: Env, rawEnv: RawEnv, workspace: string | undefined, configFlag: string | undefined) {
  const fallback = {
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
