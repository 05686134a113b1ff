// One live line per running task on stderr, for a person at a terminal. stdout stays pure
// JSON, so `| bunx pino-pretty` and `| jq` keep working while this is shown.
import type { Phase } from "../task/run-task.ts";
import type { Tier } from "../core/types.ts";

export interface StatusBoard {
  update(taskId: string, info: { tier: Tier; attempt: number; phase: Phase | "queued" }): void;
  /** Runs `write` (a log line to the same terminal) with the board lifted off and redrawn after. */
  around(write: () => void): void;
  close(): void;
}

const PHASE_TEXT: Record<Phase | "queued", string> = {
  queued: "queued",
  waiting: "waiting for a slot",
  calling: "calling the model",
  verifying: "verifying",
  done: "done",
};

export function renderStatusLine(taskId: string, info: { tier: Tier; attempt: number; phase: Phase | "queued" }, label: string): string {
  return `${taskId.slice(0, 8)}  ${info.tier.padEnd(8)} attempt ${info.attempt}  ${PHASE_TEXT[info.phase]}  ${label}`;
}

/** A board that redraws in place; a no-op when stderr is not a terminal. */
export function createStatusBoard(stream: NodeJS.WriteStream, labels: Map<string, string>): StatusBoard {
  if (!stream.isTTY) return { update() {}, around: (write) => write(), close() {} };
  const rows = new Map<string, string>();
  let drawn = 0;
  const draw = () => {
    const width = stream.columns ?? 100;
    let out = drawn > 0 ? `\x1b[${drawn}A` : "";
    for (const line of rows.values()) out += `\x1b[2K${line.slice(0, width - 1)}\n`;
    drawn = rows.size;
    stream.write(out);
  };
  return {
    update(taskId, info) {
      if (info.phase === "done") rows.delete(taskId);
      else rows.set(taskId, renderStatusLine(taskId, info, labels.get(taskId) ?? ""));
      draw();
    },
    around(write) {
      const had = drawn;
      if (had > 0) stream.write(`\x1b[${had}A\x1b[J`);
      drawn = 0;
      write();
      if (rows.size > 0) draw();
    },
    close() {
      if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[J`);
      drawn = 0;
    },
  };
}
