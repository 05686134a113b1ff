// The only failures that end the process. Everything else travels as data until index.ts,
// which turns one of these into its exit code and a one-line message.

/**
 * The signals that stop a run: the first restores and exits, a second exits at once. SIGHUP is
 * what a closed terminal or a dropped SSH session sends: left to its default, it would end the
 * process with an unverified edit in the files.
 */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export const EXIT = {
  ok: 0,
  aborted: 1,
  badInput: 2,
  modelUnavailable: 3,
  /** 128 + the signal's number, as a shell reports a process a signal ended: SIGHUP 129, SIGINT 130, SIGTERM 143. */
  interrupted: { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } satisfies Record<StopSignal, number>,
} as const;

export class FatalError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad task, flag, env or workspace: refused before any model call or file write. */
export class InputError extends FatalError {
  constructor(message: string) {
    super(message, EXIT.badInput);
  }
}

/**
 * The workspace would not take a write (a permission, an immutable file, a read-only folder, a
 * full disk) or holds an earlier run's unfinished edit. The message names the file and the fix.
 */
export class WorkspaceError extends FatalError {
  constructor(message: string) {
    super(message, EXIT.badInput);
  }
}

/** The model server is unreachable, refuses the key, or does not know the model. */
export class ModelUnavailableError extends FatalError {
  constructor(message: string) {
    super(message, EXIT.modelUnavailable);
  }
}

/** SIGINT or SIGTERM arrived; the message says what was restored. */
export class InterruptedError extends FatalError {
  constructor(
    readonly signal: StopSignal,
    detail = "the files of the interrupted tasks were restored",
  ) {
    super(`interrupted by ${signal}; ${detail}`, EXIT.interrupted[signal]);
  }
}

/** Why a file the user named (a task, config or result file) could not be read, in words. */
export function readErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a folder, not a file";
  if (code === "EACCES" || code === "EPERM") return `permission denied (${code})`;
  return code ?? (err as Error).message;
}
