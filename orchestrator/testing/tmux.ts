// A real terminal for tests: a tmux pane of a known size running bash, where a test types
// commands and reads back the screen as a person would see it (`tmux capture-pane -p`), not
// the bytes a program wrote. Each pane has its own tmux server (its own socket), killed on
// dispose. The prompt shows the last exit code: "[0] PROMPT$ ".
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface PaneOptions {
  columns: number;
  rows: number;
  /** The shell's whole environment (nothing else is inherited). */
  env: Record<string, string>;
  cwd: string;
}

export interface Pane extends AsyncDisposable {
  /** Types `line` and Enter, and waits until the shell has echoed it (unless `echo` is false: a line that clears the screen). */
  type(line: string, echo?: boolean): Promise<void>;
  /** Sends a key, e.g. "C-c". */
  key(name: string): void;
  /** The visible screen, one string per row, trailing spaces removed. */
  screen(): string[];
  /** The scrollback and the screen, oldest line first, lines the terminal wrapped joined again. */
  history(): string[];
  /** Resolves with the screen once `holds(screen)` is true; rejects with the screen after `timeoutMs`. */
  waitFor(what: string, holds: (screen: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Waits for a prompt after the last command, and returns its exit code. */
  waitForPrompt(timeoutMs?: number): Promise<number>;
}

export const PROMPT = /^\[(\d+)\] PROMPT\$$/;

export function requireTmux(): string {
  const tmux = Bun.which("tmux");
  if (!tmux) throw new Error("tmux is not installed; the terminal tests need it: apt-get install -y tmux (bash .ci/run installs it)");
  return tmux;
}

export async function openPane(options: PaneOptions): Promise<Pane> {
  const tmux = requireTmux();
  const dir = await mkdtemp(path.join(os.tmpdir(), "smol-tmux-"));
  const socket = path.join(dir, "socket");
  const tm = (...args: string[]) => {
    const r = Bun.spawnSync([tmux, "-S", socket, "-f", "/dev/null", ...args], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  const env = { ...options.env, PS1: "[$?] PROMPT$ ", HISTFILE: "/dev/null", TERM: "xterm-256color" };
  const shell = ["env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "bash", "--norc", "--noprofile"];
  tm("new-session", "-d", "-s", "t", "-x", String(options.columns), "-y", String(options.rows), "-c", options.cwd, shell.map(quote).join(" "));
  tm("set-option", "-t", "t", "history-limit", "10000");
  const lines = (text: string) => text.replace(/\n$/, "").split("\n").map((l) => l.trimEnd());
  const pane: Pane = {
    async type(line, echo = true) {
      tm("send-keys", "-t", "t", "-l", line);
      tm("send-keys", "-t", "t", "Enter");
      if (!echo) return;
      const echoed = `PROMPT$ ${line}`.slice(0, options.columns - 5);
      await pane.waitFor(`the command line "${line}"`, (s) => s.some((l) => l.includes(echoed)), 10_000);
    },
    key(name) {
      tm("send-keys", "-t", "t", name);
    },
    screen: () => lines(tm("capture-pane", "-p", "-t", "t")),
    history: () => lines(tm("capture-pane", "-p", "-J", "-S", "-", "-t", "t")),
    async waitFor(what, holds, timeoutMs = 20_000) {
      const until = performance.now() + timeoutMs;
      for (;;) {
        const screen = pane.screen();
        if (holds(screen)) return screen;
        if (performance.now() > until) throw new Error(`timed out waiting for ${what}; the screen:\n${screen.join("\n")}`);
        await Bun.sleep(25); // polling the screen: tmux has no change notification for a pane's content
      }
    },
    async waitForPrompt(timeoutMs) {
      const screen = await pane.waitFor("the shell prompt", (s) => PROMPT.test(lastLine(s)), timeoutMs);
      return Number(PROMPT.exec(lastLine(screen))![1]);
    },
    async [Symbol.asyncDispose]() {
      try {
        tm("kill-server");
      } catch {
        // Already gone.
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  await pane.waitFor("the first prompt", (s) => PROMPT.test(lastLine(s)), 10_000);
  return pane;
}

/** The last line that is not blank. */
export function lastLine(screen: readonly string[]): string {
  return [...screen].reverse().find((l) => l !== "") ?? "";
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
