// A pino logger that keeps its lines in memory, so tests can assert on the events.
import pino, { type Logger } from "pino";

export function captureLogger(level = "debug"): { logger: Logger; events(): Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const logger = pino({ level }, stream);
  return { logger, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Parses JSON-lines output (a CLI's stdout), skipping anything that is not a JSON object. */
export function parseJsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
