// `smol-coder doctor`: the checks of doctor/ against this machine's env, printed one per line.
import { parseEnv } from "../core/env.ts";
import { MODEL_ENV_FOR_TIER, MODEL_FOR_TIER } from "../core/defaults.ts";
import { EXIT } from "../core/errors.ts";
import { TIERS } from "../core/types.ts";
import { defaultLogDir, defaultStateDir } from "../concurrency/state-dir.ts";
import { formatDoctor, runDoctor } from "./doctor/index.ts";
import type { RawEnv } from "./main.ts";

export async function runDoctorCommand(rawEnv: RawEnv, workspace: string | undefined): Promise<number> {
  const env = parseEnv(rawEnv);
  const stateDir = defaultStateDir(rawEnv);
  const result = await runDoctor({
    litellmUrl: env.LITELLM_URL,
    apiKey: env.LITELLM_API_KEY,
    // The names a run would ask for: SMOL_MODEL_* when set (Ollama without the proxy), else the aliases.
    models: TIERS.map((t) => rawEnv[MODEL_ENV_FOR_TIER[t]]?.trim() || MODEL_FOR_TIER[t]),
    workspace,
    stateDir,
    logDir: defaultLogDir(rawEnv),
  });
  process.stdout.write(`${formatDoctor(result)}\n`);
  return result.ok ? EXIT.ok : EXIT.aborted;
}
