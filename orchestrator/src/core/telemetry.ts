// pino, wired the way the seed's README uses it: JSON lines on stdout so `| bunx pino-pretty`
// works, pretty output only for a human at a terminal, and a copy of every line in logs/.
import { mkdirSync } from "node:fs";
import path from "node:path";
import pino, { type Logger } from "pino";
import type PinoPretty from "pino-pretty";
import { EVENT_LEVEL, type SmolEvent } from "./events.ts";

export interface TelemetryOptions {
  level: string;
  /** Pretty-print stdout (a TTY outside production). */
  pretty: boolean;
  /** Folder for the JSON-lines copy; null disables it. */
  logDir: string | null;
  runId: string;
  now?: () => Date;
  /** Where JSON lines go instead of fd 1 (tests). */
  stdout?: pino.DestinationStream;
  /** Wraps each console write, so a live status board on the same terminal is redrawn around it. */
  around?: (write: () => void) => void;
}

export interface Telemetry {
  logger: Logger;
  logFile: string | null;
  /** Flush synchronously; called before the process exits so no line is lost. */
  flush(): void;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const streams: pino.StreamEntry[] = [];
  const level = options.level as pino.Level;
  // Sync destinations: the CLI calls process.exit, and an async buffer would drop the last events.
  const stdout =
    options.stdout ??
    (options.pretty
      ? loadPretty()({ colorize: true, sync: true, translateTime: "HH:MM:ss", ignore: "pid,hostname" })
      : pino.destination({ dest: 1, sync: true }));
  const around = options.around;
  const console: pino.DestinationStream = around ? { write: (line: string) => around(() => stdout.write(line)) } : stdout;
  streams.push({ level, stream: console });

  let logFile: string | null = null;
  let fileStream: pino.DestinationStream | null = null;
  if (options.logDir) {
    const day = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
    const dir = path.join(options.logDir, day);
    mkdirSync(dir, { recursive: true });
    logFile = path.join(dir, `${options.runId}.jsonl`);
    // The file keeps everything down to debug, whatever the console level, for post-mortems.
    fileStream = pino.destination({ dest: logFile, sync: true, mkdir: true });
    streams.push({ level: "debug", stream: fileStream });
  }

  const logger = pino(
    { level: minLevel(level, options.logDir ? "debug" : level), base: { runId: options.runId } },
    pino.multistream(streams),
  );
  return {
    logger,
    logFile,
    flush() {
      for (const s of [stdout, fileStream]) {
        const maybe = s as { flushSync?: () => void } | null;
        try {
          maybe?.flushSync?.();
        } catch {
          // A sync destination has nothing buffered; flushSync may throw "not ready" on an idle stream.
        }
      }
    },
  };
}

/**
 * pino-pretty is only for a person at a terminal; JSON runs (NODE_ENV=production, a pipe, every
 * process of a swarm) skip its start-up cost. require() keeps createTelemetry synchronous.
 */
function loadPretty(): typeof PinoPretty {
  return require("pino-pretty") as typeof PinoPretty;
}

const ORDER = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
function minLevel(a: string, b: string): pino.Level {
  return (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b) as pino.Level;
}

/** Logs one event from the union, at its level, with the event name as the message. */
export function emit(logger: Logger, e: SmolEvent): void {
  logger[EVENT_LEVEL[e.event]](e, e.event);
}

/** A logger that drops everything: the default collaborator for library callers and unit tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
