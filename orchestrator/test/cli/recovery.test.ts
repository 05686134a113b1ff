// The shell around journal recovery: what it logs and says, when it refuses, and that a task
// which gets files a killed process held finishes that process's journal before reading them.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { recoverEarlierRuns } from "../../src/cli/recovery.ts";
import { WorkspaceError } from "../../src/core/errors.ts";
import { createLocalGate } from "../../src/concurrency/workspace-gate.ts";
import { openOwnedFiles } from "../../src/workspace/owned-files.ts";
import { captureLogger } from "../../testing/logs.ts";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { runLoop, theEvent } from "../../testing/task-loop.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), "smol-cli-recovery-"));
  dirs.push(d);
  return d;
}

/** This process plays the killed run: it writes an edit and never finishes. */
async function leaveEdit(root: string, state: string, rel: string, original: string, edited: string) {
  await writeFile(path.join(root, rel), original);
  const owned = await openOwnedFiles(root, [rel], { stateDir: state });
  await owned.write(new Map([[rel, edited]]));
}

const dead = () => false;

describe("recoverEarlierRuns", () => {
  test("logs journal_recovered and says on stderr what it found and put back", async () => {
    const root = await tempDir();
    const state = await tempDir();
    await leaveEdit(root, state, "a.ts", "A\n", "A edited\n");
    const log = captureLogger();
    let stderr = "";
    await recoverEarlierRuns({ stateDir: state, root, force: false, gate: createLocalGate(), logger: log.logger, stderr: { write: (t: string) => (stderr += t) }, isAlive: dead });
    expect(log.events().find((e) => e.event === "journal_recovered")).toMatchObject({ pid: process.pid, restored: ["a.ts"], unchanged: [] });
    expect(stderr).toContain(`found the journal of an earlier run in this workspace (pid ${process.pid}`);
    expect(stderr).toContain("Put back as they were before that run: a.ts.");
  });

  test("refuses with a WorkspaceError (exit 2) when a file changed since, naming both ways out", async () => {
    const root = await tempDir();
    const state = await tempDir();
    await leaveEdit(root, state, "a.ts", "A\n", "A edited\n");
    await writeFile(path.join(root, "a.ts"), "mine\n");
    const err = await recoverEarlierRuns({ stateDir: state, root, force: false, gate: createLocalGate(), logger: captureLogger().logger, stderr: { write: () => {} }, isAlive: dead }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkspaceError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain("and a.ts has changed since");
    expect(err.message).toContain("rm '");
    expect(err.message).toContain("--restore-journal");
  });

  test("a state folder where no journal can be written is refused before anything, naming it and SMOL_STATE_DIR", async () => {
    const root = await tempDir();
    const blocker = path.join(await tempDir(), "state-is-a-file");
    await writeFile(blocker, "");
    const err = await recoverEarlierRuns({ stateDir: blocker, root, force: false, gate: createLocalGate(), logger: captureLogger().logger, stderr: { write: () => {} } }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkspaceError);
    expect(err.message).toContain(`cannot write the journal folder ${blocker}/journals/`);
    expect(err.message).toContain("SMOL_STATE_DIR");
  });
});

test("a task that gets files a killed process held reads their originals, not its edit", async () => {
  const state = await tempDir();
  const model = createMemoryModel();
  model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff("a.ts", "A\n", "A3\n"))));
  const log = captureLogger();
  let root = "";
  await using run = await runLoop({
    task: { description: "edit a", filesOwned: ["a.ts"] },
    files: { "a.ts": "A\n" },
    model,
    deps: {
      stateDir: state,
      // The killed process's edit lands after this run started, while it waited for the files.
      recover: async () => {
        await leaveEdit(root, state, "a.ts", "A\n", "A edited by a run that was killed\n");
        await recoverEarlierRuns({ stateDir: state, root, force: false, gate: createLocalGate(), logger: log.logger, stderr: { write: () => {} }, isAlive: (s) => s.pid !== process.pid });
      },
    },
    onWorkspace: (dir) => (root = dir),
  });
  expect(theEvent(log.events() as never, "journal_recovered")).toMatchObject({ restored: ["a.ts"] });
  expect(model.prompt(0)).not.toContain("killed");
  expect(run.outcome.status).toBe("complete");
  expect(await run.ws.read("a.ts")).toBe("A3\n");
});
