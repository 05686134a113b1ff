// Probe table, workspace faults: broken owned paths, files the workspace will not let us write,
// bytes that are not UTF-8, symlinked files, an edit that would empty a file. Each probe is one
// real CLI run against the scripted model server; each asserts the exit code, the message, the
// files byte for byte and that no process it started is left.
import { describe, expect, test } from "bun:test";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../../testing/cli.ts";
import { asNobody, immutable, mkfifo, mknodNull, unixSocket, unlockOnDispose } from "../../../testing/fs-faults.ts";
import { reply, startModelServer } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK, type TempWorkspace } from "../../../testing/workspace.ts";

const A = "export const a = 1\n";
const A2 = "export const a = 2\n";
const ONE_ATTEMPT = JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } });
const goodTask = { description: "set a to 2", filesOwned: ["src/a.ts"] };

describe("a batch is checked whole: task 2's bad path refuses the run before task 1 calls the model", () => {
  const cases: Array<[string, string, (ws: TempWorkspace) => Promise<AsyncDisposable | Disposable | void>, string]> = [
    ["a folder", "src/dir", async () => {}, "task 2: src/dir is a folder, not a regular file"],
    ["a path through a file", "src/a.ts/b.ts", async () => {}, "task 2: src/a.ts/b.ts cannot be a file: src/a.ts, on its path, is not a folder"],
    ["a FIFO (it used to block the CLI forever)", "src/pipe.ts", async (ws) => mkfifo(path.join(ws.dir, "src/pipe.ts")), "task 2: src/pipe.ts is a FIFO (named pipe), not a regular file"],
    ["a socket", "src/sock", (ws) => unixSocket(path.join(ws.dir, "src/sock")), "task 2: src/sock is a socket, not a regular file"],
    ["a device", "src/null", async (ws) => mknodNull(path.join(ws.dir, "src/null")), "task 2: src/null is a device, not a regular file"],
    ["a binary file", "assets/logo.png", (ws) => writeFile(path.join(ws.dir, "assets/logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0])), "task 2: assets/logo.png is a binary file"],
    ["an immutable file", "src/locked.ts", async (ws) => immutable(path.join(ws.dir, "src/locked.ts")), "task 2: cannot write src/locked.ts: EPERM, operation not permitted"],
    ["a new file in an immutable folder", "vendor/new.ts", async (ws) => immutable(path.join(ws.dir, "vendor")), "task 2: cannot write vendor/new.ts: its folder vendor is not writable (EPERM"],
  ];
  for (const [what, bad, setup, message] of cases) {
    test(what, async () => {
      await using server = await startModelServer();
      await using ws = await createWorkspace({
        template: "empty",
        scripts: PASSING_CHECK,
        files: { "src/a.ts": A, "src/dir/x.ts": "x\n", "src/locked.ts": "l\n", "vendor/v.ts": "v\n", "assets/.keep": "" },
      });
      await using _fault = toAsync(await setup(ws));
      server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/a.ts", A, A2))));
      const before = await ws.snapshot();
      const { env, marker } = probeMarker();
      const tasks = [goodTask, { description: "edit it", filesOwned: [bad] }];
      const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(tasks), env: { ...env, LITELLM_URL: server.url } });
      await expectProbe(r, { exitCode: 2, message, unchanged: { ws, before }, marker });
      expect(r.stderr).toContain("Nothing was run.");
      expect(server.requests).toHaveLength(0);
      expect(await ws.read("src/a.ts")).toBe(A);
    }, 60_000);
  }
});

describe("run as nobody, where permissions are what stops a write (EACCES)", () => {
  const cases: Array<[string, number, string]> = [
    ["a read-only folder", 0o755, "cannot write src/a.ts: its folder src is not writable (EACCES, permission denied)"],
    ["a read-only file in a writable folder", 0o777, "cannot write src/a.ts: EACCES, permission denied"],
  ];
  for (const [what, folderMode, message] of cases) {
    test(`${what} is refused up front, naming the file`, async () => {
      await using server = await startModelServer();
      await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, files: { "src/a.ts": A } });
      // Root owns everything; nobody may read the workspace, and gets the state and log folders.
      await chmod(ws.dir, 0o755);
      await chmod(path.join(ws.dir, "src"), folderMode);
      await using open = await openFolder();
      const shared = open.dir;
      const before = await ws.snapshot();
      const { env, marker } = probeMarker();
      const r = await runCli({
        prefix: asNobody(),
        args: ["--workspace", ws.dir],
        stdin: JSON.stringify(goodTask),
        env: { ...env, LITELLM_URL: server.url, HOME: shared, SMOL_STATE_DIR: path.join(shared, "state"), SMOL_LOG_DIR: path.join(shared, "logs") },
      });
      await expectProbe(r, { exitCode: 2, message, unchanged: { ws, before }, marker });
      expect(server.requests).toHaveLength(0);
    }, 60_000);
  }
});

test("a write that fails at write time (the file turned immutable): exit 2 naming it, the other file rolled back, no temp file left", async () => {
  await using server = await startModelServer();
  const B = "export const b = 1\n";
  await using ws = await createWorkspace({
    template: "empty",
    files: { "src/a.ts": A, "src/b.ts": B },
    // The baseline (before any write) makes b.ts immutable, after preflight found it writable.
    scripts: { typecheck: "grep -q 'a = 2' src/a.ts || chattr +i src/b.ts" },
  });
  using _unlock = unlockOnDispose(path.join(ws.dir, "src/b.ts"));
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/a.ts", A, A2), unifiedDiff("src/b.ts", B, "export const b = 2\n"))));
  const before = await ws.snapshot();
  const { env, marker } = probeMarker();
  const task = { description: "set a and b to 2", filesOwned: ["src/a.ts", "src/b.ts"] };
  const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: server.url } });
  await expectProbe(r, { exitCode: 2, message: "cannot write src/b.ts: EPERM, operation not permitted", unchanged: { ws, before }, marker });
  expect(r.stderr).toContain("The other files of the edit were put back as they were.");
  expect(r.events.find((e) => e.event === "task_abort")).toMatchObject({ reason: "workspace_error" });
  expect((await readdir(path.join(ws.dir, "src"))).sort()).toEqual(["a.ts", "b.ts"]);
}, 60_000);

test("a CRLF file with a Latin-1 comment: the edit lands and every line it does not touch keeps its bytes", async () => {
  await using server = await startModelServer();
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
  const original = Buffer.from("// Auteur : Ren\xe9 M\xfcller\r\nexport const a = 1\r\n// \xa9 2024\r\n", "latin1");
  await mkdir(path.join(ws.dir, "src"));
  await writeFile(path.join(ws.dir, "src/a.ts"), original);
  const seen = original.toString("utf8");
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/a.ts", seen, seen.replace("a = 1", "a = 2")))));
  const { env, marker } = probeMarker();
  const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(goodTask), env: { ...env, LITELLM_URL: server.url } });
  await expectProbe(r, { exitCode: 0, message: /^$/, marker });
  const expected = Buffer.from("// Auteur : Ren\xe9 M\xfcller\r\nexport const a = 2\r\n// \xa9 2024\r\n", "latin1");
  expect((await readFile(path.join(ws.dir, "src/a.ts"))).toString("hex")).toBe(expected.toString("hex"));
}, 60_000);

describe("a symlinked owned file", () => {
  async function linkedWorkspace(check: string) {
    const ws = await createWorkspace({ template: "empty", scripts: { typecheck: check }, files: { "shared/config.ts": A, "smol-coder.config.json": ONE_ATTEMPT } });
    await mkdir(path.join(ws.dir, "src"));
    await symlink("../shared/config.ts", path.join(ws.dir, "src/config.ts"));
    return ws;
  }
  const task = { description: "set a to 2", filesOwned: ["src/config.ts"] };

  test("an edit that is kept writes through: the link stays a link, its target changes", async () => {
    await using server = await startModelServer();
    await using ws = await linkedWorkspace("true");
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/config.ts", A, A2))));
    const { env, marker } = probeMarker();
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: server.url } });
    await expectProbe(r, { exitCode: 0, message: /^$/, marker });
    expect((await lstat(path.join(ws.dir, "src/config.ts"))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(ws.dir, "src/config.ts"))).toBe("../shared/config.ts");
    expect(await ws.read("shared/config.ts")).toBe(A2);
  }, 60_000);

  test("an abort leaves the link and its target byte-identical, of the same type", async () => {
    await using server = await startModelServer();
    await using ws = await linkedWorkspace("grep -q 'a = 2' shared/config.ts && exit 1 || true");
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/config.ts", A, A2))));
    const before = await ws.snapshot();
    expect(before.get("src/config.ts")).toBe("symlink:../shared/config.ts");
    const { env, marker } = probeMarker();
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: server.url } });
    await expectProbe(r, { exitCode: 1, message: /^$/, unchanged: { ws, before }, marker });
    expect(r.events.find((e) => e.event === "task_abort")).toMatchObject({ reason: "attempts exhausted" });
  }, 60_000);
});

test("an empty whole-file block for a short file is refused, not written: the file stays", async () => {
  await using server = await startModelServer();
  const notes = "# Notes\n\n- buy milk\n";
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, files: { "notes.md": notes, "smol-coder.config.json": ONE_ATTEMPT } });
  server.enqueue("fast-coder", reply.text("Here it is:\n\n```md notes.md\n```\n"));
  const before = await ws.snapshot();
  const { env, marker } = probeMarker();
  const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description: "tidy up notes.md", filesOwned: ["notes.md"] }), env: { ...env, LITELLM_URL: server.url } });
  await expectProbe(r, { exitCode: 1, message: /^$/, unchanged: { ws, before }, marker });
  expect(r.events.find((e) => e.event === "patch_rejected")).toMatchObject({ reason: "empties_file" });
  expect(String((r.events.find((e) => e.event === "task_abort")?.lastErrors as string[])[0])).toContain("would empty notes.md");
}, 60_000);

describe("a check that cannot run: exit 2 before any edit is judged, not a pass excused by the baseline", () => {
  const cases: Array<[string, Record<string, string>, Record<string, string>, string]> = [
    ["its tool is not installed (exit 127)", { typecheck: "smol-no-such-tool --noEmit", lint: "true" }, {}, "the typecheck script cannot run in this workspace (it exited 127: "],
    ["its script is not executable (exit 126)", { typecheck: "true", lint: "./tools/lint.sh" }, { "tools/lint.sh": "#!/bin/sh\nexit 0\n" }, "the lint script cannot run in this workspace (it exited 126: "],
  ];
  for (const [what, scripts, files, message] of cases) {
    test(what, async () => {
      await using server = await startModelServer();
      await using ws = await createWorkspace({ template: "empty", scripts, files: { "src/a.ts": A, ...files } });
      server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/a.ts", A, A2))));
      const before = await ws.snapshot();
      const { env, marker } = probeMarker();
      const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(goodTask), env: { ...env, LITELLM_URL: server.url } });
      await expectProbe(r, { exitCode: 2, message, unchanged: { ws, before }, marker });
      expect(r.stderr).toContain("Nothing was checked and no file was changed. Install the workspace's dependencies");
      expect(r.events.find((e) => e.event === "patch_applied")).toBeUndefined();
      expect(r.events.find((e) => e.event === "task_complete")).toBeUndefined();
      expect(r.events.find((e) => e.event === "task_abort")).toMatchObject({ reason: "workspace_error" });
    }, 60_000);
  }
});

function toAsync(d: AsyncDisposable | Disposable | void): AsyncDisposable {
  return { [Symbol.asyncDispose]: async () => (d && Symbol.asyncDispose in d ? d[Symbol.asyncDispose]() : d && Symbol.dispose in d ? d[Symbol.dispose]() : undefined) };
}

/** A temp folder everyone may write (state and logs for a CLI run as nobody), removed when disposed. */
async function openFolder(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smol-nobody-"));
  await chmod(dir, 0o777);
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}
