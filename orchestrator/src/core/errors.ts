// The only failures that end the process. Everything else travels as data until index.ts,
// which turns one of these into its exit code and a one-line message.

export const EXIT = {
  ok: 0,
  aborted: 1,
  badInput: 2,
  modelUnavailable: 3,
  interrupted: 130,
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

/** The model server is unreachable, refuses the key, or does not know the model. */
export class ModelUnavailableError extends FatalError {
  constructor(message: string) {
    super(message, EXIT.modelUnavailable);
  }
}

/** SIGINT or SIGTERM arrived; the workspace has been restored. */
export class InterruptedError extends FatalError {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}; owned files restored`, EXIT.interrupted);
  }
}
