// What a person sees: the real `smol-coder` command (the package's bin entry) typed into bash
// in a tmux pane of a known size, the screen read back with `tmux capture-pane`. The status
// line must show the real phase while the run goes on, and leave no trace afterwards: no
// leftover status line, no broken log line, the shell prompt on a line of its own.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CLI_ENTRY, ORCHESTRATOR_DIR } from "../../testing/cli.ts";
import { reply, startModelServer, type ModelServer } from "../../testing/model-server.ts";
import { diffReply, FIRST_TRY_RUN_EVENTS, unifiedDiff } from "../../testing/replies.ts";
import { openPane, PROMPT, requireTmux, type Pane } from "../../testing/tmux.ts";
import { createWorkspace, type TempWorkspace } from "../../testing/workspace.ts";

/** A status line: task id, tier, attempt, phase. */
const STATUS = /^[0-9a-f]{8} {2}(fast|deep|reviewer) +attempt \d+ {2}/;
/** A pino-pretty event line. */
const HEADER = /^\[\d\d:\d\d:\d\d\] (INFO|WARN|ERROR): ([a-z_]+)$/;
const COMMAND = "smol-coder --workspace $WS --file $TASKS";

let root = "";
let bin = "";

beforeAll(async () => {
  requireTmux();
  root = await mkdtemp(path.join(os.tmpdir(), "smol-term-"));
  bin = path.join(root, "bin");
  await mkdir(bin);
  // The command as `bun link` installs it: the package's bin entry on the PATH.
  await symlink(CLI_ENTRY, path.join(bin, "smol-coder"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface Run extends AsyncDisposable {
  pane: Pane;
  ws: TempWorkspace;
  server: ModelServer;
  /** Lets every check that waits for it go on. */
  go(): Promise<void>;
  /** Lets the held model replies go. */
  release(): void;
}

/**
 * A pane, a workspace whose typecheck blocks (once a task's file exists) until go(), a model
 * server whose replies create the file each prompt names and wait for release() when `hold`.
 */
async function setUp(options: { files: string[]; columns?: number; rows?: number; env?: Record<string, string>; hold?: boolean }): Promise<Run> {
  const dir = await mkdtemp(path.join(root, "run-"));
  const goFile = path.join(dir, "go");
  const exists = options.files.map((f) => `test -f ${f}`).join(" || ");
  const ws = await createWorkspace({ template: "empty", scripts: { typecheck: `${exists} || exit 0; while [ ! -f ${goFile} ]; do sleep 0.05; done` } });
  const server = await startModelServer();
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  if (!options.hold) release();
  server.onRequest((req) => {
    const file = options.files.find((f) => req.messages.at(-1)!.content.includes(f))!;
    return reply.text(diffReply(unifiedDiff(file, null, `${file}\n`))).waitFor(released);
  });
  const tasks = path.join(dir, "tasks.json");
  const labels = options.files.map((f, i) => (i === 0 ? `Create ${f}, a file whose long description runs well past the width of any status line` : `create ${f}`));
  await writeFile(tasks, JSON.stringify(options.files.map((f, i) => ({ description: labels[i], filesOwned: [f] }))));
  const pane = await openPane({
    columns: options.columns ?? 100,
    rows: options.rows ?? 40,
    cwd: dir,
    env: {
      PATH: `${bin}:${path.join(ORCHESTRATOR_DIR, "node_modules", ".bin")}:${process.env.PATH}`,
      HOME: dir,
      WS: ws.dir,
      TASKS: tasks,
      LITELLM_URL: server.url,
      SMOL_STATE_DIR: path.join(dir, "state"),
      SMOL_LOG_DIR: path.join(dir, "logs"),
      ...options.env,
    },
  });
  return {
    pane,
    ws,
    server,
    go: () => writeFile(goFile, ""),
    release,
    async [Symbol.asyncDispose]() {
      await pane[Symbol.asyncDispose]();
      await server.stop();
      await ws[Symbol.asyncDispose]();
    },
  };
}

const statusLines = (lines: readonly string[]) => lines.filter((l) => STATUS.test(l));
const showing = (phase: string) => (screen: string[]) => statusLines(screen).some((l) => l.includes(`  ${phase}  `));

/** The lines after the command line, up to and with the prompt that followed it. */
function afterCommand(history: string[]): string[] {
  const at = history.findLastIndex((l) => l.endsWith(`PROMPT$ ${COMMAND}`) || l.includes(`PROMPT$ ${COMMAND} `));
  expect(at).toBeGreaterThanOrEqual(0);
  return history.slice(at + 1).filter((l, i, all) => l !== "" || all.slice(i).some((x) => x !== ""));
}

describe("one task, pretty output on the terminal", () => {
  test("the status line shows each phase, and afterwards every log line is whole and no status line is left", async () => {
    await using run = await setUp({ files: ["notes.txt"], hold: true });
    await run.pane.type(COMMAND);
    const calling = await run.pane.waitFor("calling the model", showing("calling the model"));
    expect(statusLines(calling)).toHaveLength(1);
    run.release();
    await run.pane.waitFor("verifying", showing("verifying"));
    await run.go();
    expect(await run.pane.waitForPrompt()).toBe(0);

    const out = afterCommand(run.pane.history());
    expect(statusLines(out)).toEqual([]);
    // Every line is an event line or one of its indented fields: nothing cut in, nothing run together.
    expect(out.slice(0, -1).filter((l) => !HEADER.test(l) && !l.startsWith("    "))).toEqual([]);
    const events = out.flatMap((l) => HEADER.exec(l)?.[2] ?? []);
    expect(events.filter((e) => !["tier_selected", "verification_baseline", "verification_skipped"].includes(e))).toEqual(FIRST_TRY_RUN_EVENTS);
    const complete = out.slice(out.findIndex((l) => l.endsWith("INFO: task_complete")));
    const fields = complete.slice(1, complete.findIndex((l, i) => i > 0 && HEADER.test(l)));
    for (const f of ["totalAttempts: 1", 'finalTier: "fast"', "durationMs: ", "verified: true", "dryRun: false"]) {
      expect(fields.some((l) => l.trimStart().startsWith(f))).toBe(true);
    }
    // The prompt comes right after the last field of the last event.
    expect(out.at(-2)).toMatch(/^ {4}wallMs: \d+$/);
    expect(out.at(-1)).toMatch(PROMPT);
  }, 60_000);
});

describe("the status line is cleared at every exit", () => {
  test("a quiet run (LOG_LEVEL=warn): nothing is left between the command and the prompt", async () => {
    await using run = await setUp({ files: ["notes.txt"], env: { LOG_LEVEL: "warn" } });
    await run.pane.type(COMMAND);
    await run.pane.waitFor("verifying", showing("verifying"));
    await run.go();
    expect(await run.pane.waitForPrompt()).toBe(0);
    expect(afterCommand(run.pane.history())).toEqual(["[0] PROMPT$"]);
    expect(await run.ws.read("notes.txt")).toBe("notes.txt\n");
  }, 60_000);

  test("a quiet run on a cleared screen (the board on the top row): no frame of it reaches the scrollback", async () => {
    await using run = await setUp({ files: ["notes.txt"], env: { LOG_LEVEL: "warn" } });
    await run.pane.type(`clear; ${COMMAND}`, false);
    await run.pane.waitFor("verifying", showing("verifying"));
    await run.go();
    expect(await run.pane.waitForPrompt()).toBe(0);
    // tmux copies the whole screen into the scrollback when a clear to the end of the screen
    // starts at its top-left corner, so a board that cleared that way left every frame there.
    expect(statusLines(run.pane.history())).toEqual([]);
    expect(await run.ws.read("notes.txt")).toBe("notes.txt\n");
  }, 60_000);

  test("Ctrl-C at LOG_LEVEL=silent: the message, then the prompt", async () => {
    await using run = await setUp({ files: ["notes.txt"], env: { LOG_LEVEL: "silent" } });
    await run.pane.type(COMMAND);
    await run.pane.waitFor("verifying", showing("verifying"));
    run.pane.key("C-c");
    expect(await run.pane.waitForPrompt()).toBe(130);
    expect(afterCommand(run.pane.history())).toEqual(["smol-coder: interrupted by SIGINT; the files of 1 interrupted task were restored", "[130] PROMPT$"]);
    expect(await run.ws.read("notes.txt")).toBeNull();
  }, 60_000);

  test("a batch on a narrow terminal: one task verifies while the others wait, each line fits, none is left", async () => {
    await using run = await setUp({ files: ["a.txt", "b.txt", "c.txt"], columns: 60, rows: 30 });
    await run.pane.type(COMMAND);
    const screen = await run.pane.waitFor("one task verifying and two waiting for the workspace", (s) => {
      const lines = statusLines(s);
      return lines.length === 3 && lines.filter((l) => l.includes("  verifying  ")).length === 1 && lines.filter((l) => l.includes("  waiting for the workspace")).length === 2;
    });
    for (const line of statusLines(screen)) expect(Bun.stringWidth(line)).toBeLessThanOrEqual(59);
    expect(statusLines(screen).some((l) => l.endsWith("…"))).toBe(true);
    await run.go();
    expect(await run.pane.waitForPrompt(60_000)).toBe(0);
    const out = afterCommand(run.pane.history());
    expect(statusLines(out)).toEqual([]);
    expect(out.at(-1)).toBe("[0] PROMPT$");
    expect(out.filter((l) => HEADER.test(l) && l.endsWith("task_complete"))).toHaveLength(3);
  }, 90_000);
});

test("piped through pino-pretty: no status line at all, and the pretty lines are whole", async () => {
  await using run = await setUp({ files: ["notes.txt"], hold: true });
  await run.go();
  await run.pane.type(`${COMMAND} | pino-pretty`);
  await run.server.waitForRequests(1);
  // The run is waiting for the model: a board would be on the screen now.
  expect(statusLines(run.pane.screen())).toEqual([]);
  run.release();
  expect(await run.pane.waitForPrompt()).toBe(0);
  const history = run.pane.history();
  const out = history.slice(history.findLastIndex((l) => l.includes(`${COMMAND} | pino-pretty`)) + 1);
  expect(statusLines(out)).toEqual([]);
  const complete = out.slice(out.findIndex((l) => /INFO: task_complete$/.test(l)));
  expect(complete.some((l) => /^ {4}durationMs: \d+$/.test(l))).toBe(true);
  expect(out.filter((l) => l !== "").at(-1)).toBe("[0] PROMPT$");
}, 60_000);
