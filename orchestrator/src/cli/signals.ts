// Ctrl-C and SIGTERM: the first asks every task to stop and put its files back; a second one,
// for a user who does not want to wait for that, exits at once.
import { EXIT } from "../core/errors.ts";

export interface StopSignals {
  /** The signal that arrived first, or null. */
  received(): string | null;
  dispose(): void;
}

export function onStopSignal(stop: () => void): StopSignals {
  let received: string | null = null;
  const handler = (signal: NodeJS.Signals) => {
    if (received) process.exit(EXIT.interrupted);
    received = signal;
    stop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    received: () => received,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
