// The CLI shell's front: which command runs, and the one place where a FatalError (or a bug)
// becomes an exit code and a one-line message.
import pkg from "../../package.json" with { type: "json" };
import { EXIT, FatalError } from "../core/errors.ts";
import { parseEnv } from "../core/env.ts";
import { MODEL_FOR_TIER } from "../core/defaults.ts";
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
  if (args.command === "doctor") return runDoctorCommand(env, rawEnv, args.workspace);
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

async function runDoctorCommand(env: ReturnType<typeof parseEnv>, rawEnv: RawEnv, workspace: string | undefined): Promise<number> {
  const { runDoctor, formatDoctor } = await import("./doctor/index.ts");
  const result = await runDoctor({
    litellmUrl: env.LITELLM_URL,
    apiKey: env.LITELLM_API_KEY,
    models: Object.values(MODEL_FOR_TIER),
    workspace,
    stateDir: defaultStateDir(rawEnv),
    logDir: env.SMOL_LOG_DIR ?? DEFAULT_LOG_DIR,
  });
  process.stdout.write(`${formatDoctor(result)}\n`);
  return result.ok ? EXIT.ok : EXIT.aborted;
}
