// One live line per running task, for a person at a terminal: what each task is doing now.
// It is drawn only when stdout and stderr are both that terminal, so every other writer to the
// screen goes through `around` (pino's lines) or comes after `close` (messages, the dry-run
// diff). When stdout is piped (`| jq`, `| pino-pretty`), the reader of the pipe writes to the
// same screen at moments this process cannot know, so there is no live line at all.
import type { Phase, PhaseInfo } from "../task/phase.ts";

export interface StatusBoard {
  update(taskId: string, info: PhaseInfo): void;
  /** Runs `write` (a log line to the same terminal) with the board lifted off and redrawn after. */
  around(write: () => void): void;
  /** Takes the board off the screen; idempotent, and also done at process exit. */
  close(): void;
}

/** The screen the board draws on. `write` must be synchronous, so it interleaves with pino's sync writes in order. */
export interface Terminal {
  write(text: string): void;
  columns(): number;
  rows(): number;
}

const PHASE_TEXT: Record<Phase, string> = {
  waiting: "waiting for the workspace",
  baseline: "baseline checks",
  queued: "queued for a slot",
  calling: "calling the model",
  verifying: "verifying",
  done: "done",
};

/** A line as wide as the terminal allows (less one column, so it never wraps). */
export function renderStatusLine(taskId: string, info: PhaseInfo, label: string, columns: number): string {
  let phase = PHASE_TEXT[info.phase];
  if (info.baseline) phase += ", baseline checks running";
  const width = Math.max(10, columns - 1);
  const attempt = Math.max(1, info.attempt);
  const head = `${taskId.slice(0, 8)}  ${info.tier.padEnd(8)} attempt ${attempt}  ${phase}`;
  // Too narrow for the aligned columns and the whole phase: a compact head, so that the phase,
  // what the line is for, is not what gets cut.
  const roomForLabel = (text: string) => Bun.stringWidth(text) + 4 <= width; // "  ", a character, "…"
  const shown = roomForLabel(head) ? head : `${taskId.slice(0, 8)} ${info.tier} #${attempt} ${phase}`;
  return roomForLabel(shown) ? fitWidth(`${shown}  ${oneLine(label)}`, width) : fitWidth(shown, width);
}

/** Cuts `text` to `width` display columns (wide characters count as two), marking the cut with "…". */
export function fitWidth(text: string, width: number): string {
  if (Bun.stringWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    used += Bun.stringWidth(ch);
    if (used > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Lifts a board of `lines` lines off the screen: up one line and clear it, for each, ending at the
 * first one's start. Not "clear to the end of the screen" (ESC [J): started at the top-left corner
 * (a board on the top row, after `clear`), tmux copies the whole screen into the scrollback first,
 * which would leave every frame there.
 */
export function liftSequence(lines: number): string {
  return `${"\x1b[1A\x1b[2K".repeat(lines)}\r`;
}

/** The board that does nothing: for a stderr or stdout that is not a terminal. */
export function noBoard(): StatusBoard {
  return { update() {}, around: (write) => write(), close() {} };
}

export function createStatusBoard(term: Terminal, labels: ReadonlyMap<string, string>, onExit = onProcessExit): StatusBoard {
  const rows = new Map<string, PhaseInfo>();
  let drawn = 0;
  const lift = () => liftSequence(drawn);
  const frame = (): string[] => {
    const columns = term.columns();
    // Never taller than the screen: a cursor cannot move up past its top, and lines left in the
    // scrollback could not be cleared.
    const room = Math.max(1, term.rows() - 2);
    const entries = [...rows];
    const shown = entries.length > room ? entries.slice(0, room - 1) : entries;
    const lines = shown.map(([id, info]) => renderStatusLine(id, info, labels.get(id) ?? "", columns));
    if (shown.length < entries.length) lines.push(fitWidth(`… and ${entries.length - shown.length} more tasks`, columns - 1));
    return lines;
  };
  const draw = (prefix: string) => {
    const lines = frame();
    term.write(prefix + lines.map((l) => `${l}\n`).join(""));
    drawn = lines.length;
  };
  const close = () => {
    if (drawn > 0) term.write(lift());
    drawn = 0;
  };
  const cancelExit = onExit(close);
  return {
    update(taskId, info) {
      if (info.phase === "done") rows.delete(taskId);
      else rows.set(taskId, info);
      draw(drawn > 0 ? lift() : "");
    },
    around(write) {
      if (drawn > 0) term.write(lift());
      drawn = 0;
      write();
      if (rows.size > 0) draw("");
    },
    close() {
      close();
      rows.clear();
      cancelExit();
    },
  };
}

function onProcessExit(fn: () => void): () => void {
  process.on("exit", fn);
  return () => void process.off("exit", fn);
}
