// Probe table, process faults: the CLI stopped by SIGINT, SIGTERM, two signals, or SIGKILL
// while an unverified edit is in the files. Real processes throughout: the CLI, its checks
// (bash, sleep), and the signals. Each probe asserts the exit code, the message, the files
// byte for byte and that no process is left.
import { describe, expect, test } from "bun:test";
import { watch } from "node:fs";
import { access, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { journalFolder } from "../../../src/workspace/journal.ts";
import { runCli, startCli } from "../../../testing/cli.ts";
import { reply, startModelServer } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker, processesWithMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace } from "../../../testing/workspace.ts";

const A = "export const a = 1\n";
const A2 = "export const a = 2\n";
/** Passes at once, except while the edit (a = 2) is in place: then it runs until it is killed. */
const SLOW_WHILE_EDITED = "grep -q 'a = 2' src/a.ts || exit 0; sleep 60";
const task = { description: "set a to 2 and add new.ts", filesOwned: ["src/a.ts", "src/new.ts"] };
const edit = () => reply.text(diffReply(unifiedDiff("src/a.ts", A, A2), unifiedDiff("src/new.ts", null, "export const n = 1\n")));

async function setup(check: string) {
  const server = await startModelServer();
  const ws = await createWorkspace({ template: "empty", scripts: { typecheck: check }, files: { "src/a.ts": A } });
  const state = await mkdtemp(path.join(os.tmpdir(), "smol-probe-state-"));
  return {
    server,
    ws,
    state,
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await ws[Symbol.asyncDispose]();
      await rm(state, { recursive: true, force: true });
    },
  };
}

describe("a signal while the edit is being verified", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    test(`${signal}: exit ${code}, the files restored and the message says so`, async () => {
      await using t = await setup(SLOW_WHILE_EDITED);
      t.server.enqueue("fast-coder", edit());
      const before = await t.ws.snapshot();
      const { env, marker } = probeMarker();
      const run = startCli({ args: ["--workspace", t.ws.dir], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: t.server.url, SMOL_STATE_DIR: t.state } });
      await run.waitForEvent("verification_start", (e) => e.attempt === 1);
      expect(await t.ws.read("src/a.ts")).toBe(A2);
      run.proc.kill(signal);
      const r = await run.done;
      await expectProbe(r, { exitCode: code, message: `smol-coder: interrupted by ${signal}; the files of 1 interrupted task were restored\n`, unchanged: { ws: t.ws, before }, marker });
      expect(r.events.find((e) => e.event === "task_abort")).toMatchObject({ reason: "interrupted", totalAttempts: 1 });
      expect(await readdir(journalFolder(t.state, t.ws.dir))).toEqual([]);
    }, 60_000);
  }

  test("a second signal, while the first still waits for a check that ignores SIGTERM: the files are put back at once, and the message says which", async () => {
    await using t = await setup(
      // While the edit is in place, it outlives SIGTERM (and says so) until it is killed. It says it
      // runs only after a few rounds of its loop: `bun run`, which runs it, forwards SIGTERM to it
      // and waits for it, but only once it has set that up, a moment after starting it; a signal
      // before that ends bun at once, and with it the check, before the test's second signal.
      `grep -q 'a = 2' src/a.ts || exit 0; trap 'touch "$SMOL_TEST_SIGNS.termed"' TERM; i=0; while :; do sleep 0.1; i=$((i + 1)); [ "$i" = 5 ] && touch "$SMOL_TEST_SIGNS.running"; done`,
    );
    t.server.enqueue("fast-coder", edit());
    const signs = path.join(t.state, "check");
    const before = await t.ws.snapshot();
    const { env, marker } = probeMarker();
    const running = waitForFile(`${signs}.running`);
    const run = startCli({ args: ["--workspace", t.ws.dir], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: t.server.url, SMOL_STATE_DIR: t.state, SMOL_TEST_SIGNS: signs } });
    await running;
    const termed = waitForFile(`${signs}.termed`);
    run.proc.kill("SIGINT");
    // The first signal reached the check, which keeps running: the edit is still in the files.
    await termed;
    expect(await t.ws.read("src/a.ts")).toBe(A2);
    run.proc.kill("SIGINT");
    const r = await run.done;
    await expectProbe(r, {
      exitCode: 130,
      message: "smol-coder: interrupted by SIGINT again: stopped at once. Put back as they were before the run: src/a.ts, src/new.ts.\n",
      unchanged: { ws: t.ws, before },
      marker,
    });
    expect(await readdir(journalFolder(t.state, t.ws.dir))).toEqual([]);
  }, 60_000);
});

describe("SIGKILL while the edit is being verified, then the next run in that workspace", () => {
  /** The first run, killed with the edit in place; the check it left running is ended by the test (a killed process cannot). */
  async function killedRun(t: Awaited<ReturnType<typeof setup>>) {
    t.server.enqueue("fast-coder", edit());
    const { env, marker } = probeMarker();
    const run = startCli({ args: ["--workspace", t.ws.dir], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: t.server.url, SMOL_STATE_DIR: t.state } });
    await run.waitForEvent("verification_start", (e) => e.attempt === 1);
    run.proc.kill("SIGKILL");
    await run.done;
    expect(run.proc.signalCode).toBe("SIGKILL");
    await killAll(marker);
    // What the bug was: the unverified edit stays in the files.
    expect(await t.ws.read("src/a.ts")).toBe(A2);
    expect(await readdir(journalFolder(t.state, t.ws.dir))).toHaveLength(1);
    return run.proc.pid;
  }

  test("finds the journal, puts the originals back (journal_recovered, a message on stderr), then runs on the real originals", async () => {
    await using t = await setup(SLOW_WHILE_EDITED);
    const pid = await killedRun(t);
    const A3 = "export const a = 3\n";
    t.server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/a.ts", A, A3))));
    const sent = t.server.requests.length;
    const { env, marker } = probeMarker();
    const r = await runCli({ args: ["--workspace", t.ws.dir], stdin: JSON.stringify({ description: "set a to 3", filesOwned: ["src/a.ts"] }), env: { ...env, LITELLM_URL: t.server.url, SMOL_STATE_DIR: t.state } });
    await expectProbe(r, { exitCode: 0, message: `found the journal of an earlier run in this workspace (pid ${pid}`, marker });
    expect(r.stderr).toContain("Put back as they were before that run: src/a.ts, src/new.ts.");
    expect(r.events.find((e) => e.event === "journal_recovered")).toMatchObject({ pid, restored: ["src/a.ts", "src/new.ts"], unchanged: [] });
    // The prompt showed the file as it was before the killed run, not its unverified edit.
    const prompt = t.server.requests[sent]!.messages.at(-1)!.content;
    expect(prompt).toContain("export const a = 1");
    expect(prompt).not.toContain("export const a = 2");
    expect(await t.ws.read("src/a.ts")).toBe(A3);
    expect(await t.ws.read("src/new.ts")).toBeNull();
    expect(await readdir(journalFolder(t.state, t.ws.dir))).toEqual([]);
  }, 90_000);

  test("a file the user changed since is never overwritten: exit 2 naming it and the journal; --restore-journal then puts the originals back", async () => {
    await using t = await setup(SLOW_WHILE_EDITED);
    await killedRun(t);
    await writeFile(path.join(t.ws.dir, "src/a.ts"), "export const a = 'mine'\n");
    const [journal] = await readdir(journalFolder(t.state, t.ws.dir));
    const journalPath = path.join(journalFolder(t.state, t.ws.dir), journal!);
    const before = await t.ws.snapshot();
    const sent = t.server.requests.length;
    const { env, marker } = probeMarker();
    const args = ["--workspace", t.ws.dir, "--dry-run"];
    const runEnv = { ...env, LITELLM_URL: t.server.url, SMOL_STATE_DIR: t.state };
    const refused = await runCli({ args, stdin: JSON.stringify(task), env: runEnv });
    await expectProbe(refused, { exitCode: 2, message: "and src/a.ts has changed since", unchanged: { ws: t.ws, before }, marker });
    expect(refused.stderr).toContain(`The journal ${journalPath} holds the files as they were before that run`);
    expect(refused.stderr).toContain(`rm '${journalPath}'`);
    expect(refused.stderr).toContain("--restore-journal");
    expect(t.server.requests.length).toBe(sent);

    t.server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/a.ts", A, "export const a = 3\n"))));
    const forced = await runCli({ args: [...args, "--restore-journal"], stdin: JSON.stringify(task), env: runEnv });
    await expectProbe(forced, { exitCode: 0, message: "Put back as they were before that run: src/a.ts, src/new.ts.", marker });
    expect(await t.ws.read("src/a.ts")).toBe(A);
    expect(await t.ws.read("src/new.ts")).toBeNull();
    await expect(access(journalPath)).rejects.toThrow();
  }, 90_000);
});

/** Resolves once `file` exists (a readiness signal from a check, not a sleep). */
function waitForFile(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(path.dirname(file), () => check());
    const check = () =>
      access(file).then(
        () => {
          watcher.close();
          resolve();
        },
        () => {},
      );
    check();
  });
}

/** Kills what a SIGKILLed CLI left running (its checks' process groups), and waits until it is gone. */
async function killAll(marker: string): Promise<void> {
  for (let left = processesWithMarker(marker); left.length > 0; left = processesWithMarker(marker)) {
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    await Bun.sleep(10);
  }
}
