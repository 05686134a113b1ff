// Ctrl-C, SIGTERM and SIGHUP: the first asks every task to stop and put its files back; a second one,
// for a user who does not want to wait for that, ends the process at once (exitNow must put
// the files back synchronously first: nothing asynchronous runs after it).
import { STOP_SIGNALS, type StopSignal } from "../core/errors.ts";

export interface StopSignals {
  /** The signal that arrived first, or null. */
  received(): StopSignal | null;
  dispose(): void;
}

export interface StopHandlers {
  /** The first signal: stop every task and restore its files. */
  stop(signal: StopSignal): void;
  /** A second signal: end the process now. */
  exitNow(first: StopSignal, second: StopSignal): never;
}

export function onStopSignal(handlers: StopHandlers): StopSignals {
  let received: StopSignal | null = null;
  const handler = (signal: NodeJS.Signals) => {
    const which = signal as StopSignal;
    if (received) handlers.exitNow(received, which);
    received = which;
    handlers.stop(which);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return {
    received: () => received,
    dispose() {
      for (const s of STOP_SIGNALS) process.off(s, handler);
    },
  };
}
