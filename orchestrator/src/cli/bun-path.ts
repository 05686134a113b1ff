// Which bun runs a workspace's `bun run` scripts. From source it is the bun running smol-coder.
// In the compiled binary, process.execPath is smol-coder itself, which acts as bun only when
// BUN_BE_BUN=1 is in its environment: the checks' runner adds that variable for exactly the
// commands that run it (itself, or `nice -n 10 <itself> run ...` for a low-priority check), so the
// binary needs no bun on the PATH and the scripts run with the bun it was built with.
import { runCommand, type CommandRunner } from "../verify/process.ts";

export function bunForChecks(): { bunPath: string; runner?: CommandRunner } {
  const self = process.execPath;
  if (!isCompiled()) return { bunPath: self };
  const runner: CommandRunner = (command, args, options) =>
    runCommand(command, args, runsSelf(self, command, args) ? { ...options, env: { ...options.env, BUN_BE_BUN: "1" } } : options);
  return { bunPath: self, runner };
}

/** Whether a check's command line starts smol-coder's own executable, directly or through a wrapper. */
export function runsSelf(self: string, command: string, args: readonly string[]): boolean {
  return command === self || args.includes(self);
}

/**
 * A `bun build --compile` binary's entry point lives in Bun's embedded file system. (Bun.main, not
 * import.meta.path: a bytecode build keeps each module's source path there.)
 */
export function isCompiled(main = Bun.main): boolean {
  return main.startsWith("/$bunfs/") || /^[A-Z]:[\\/]~BUN[\\/]/i.test(main);
}
