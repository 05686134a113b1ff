// The CLI shell's front: which command runs, and the one place where a FatalError (or a bug)
// becomes an exit code and a one-line message. Each command's modules are loaded when it runs:
// --help and --version load no schema or logging library, so they cost about a bare bun.
import pkg from "../../package.json" with { type: "json" };
import { EXIT, FatalError } from "../core/errors.ts";
import { parseCliArgs, USAGE } from "./args.ts";

export type RawEnv = Record<string, string | undefined>;

export async function main(argv: readonly string[], rawEnv: RawEnv): Promise<number> {
  const args = parseCliArgs(argv);
  switch (args.command) {
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    case "version":
      process.stdout.write(`smol-coder ${pkg.version}\n`);
      return EXIT.ok;
    case "schema": {
      const { renderConfigSchema } = await import("../core/config-schema.ts");
      process.stdout.write(renderConfigSchema());
      return EXIT.ok;
    }
    case "doctor": {
      const { runDoctorCommand } = await import("./doctor-command.ts");
      return runDoctorCommand(rawEnv, args.workspace, args.config);
    }
    case "run": {
      const { runTasks } = await import("./run-command.ts");
      return runTasks(args, rawEnv);
    }
  }
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
