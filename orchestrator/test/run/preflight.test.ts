// Refusals before anything runs: a task that nothing would check is not run unless the user
// asked for it unverified, and a batch with one bad owned path does not run at all.
import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_LIMITS, DEFAULT_VERIFY_SCRIPTS } from "../../src/core/defaults.ts";
import { InputError } from "../../src/core/errors.ts";
import { TaskSchema, type Task } from "../../src/core/types.ts";
import { prepareTasks } from "../../src/run/preflight.ts";
import { immutable, mkfifo, unixSocket } from "../../testing/fs-faults.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const task = TaskSchema.parse({ description: "create a.txt", filesOwned: ["a.txt"] });
const config = (scripts: readonly string[] = DEFAULT_VERIFY_SCRIPTS) => ({ verify: { scripts: [...scripts], timeouts: {}, strict: false }, limits: DEFAULT_LIMITS, source: null });

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("not refused");
}

describe("a workspace nothing would check", () => {
  test("no package.json: refused, saying what to add and how to opt out", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    await rm(path.join(ws.dir, "package.json"));
    const message = await refusal(() => prepareTasks([task], ws.dir, config()));
    expect(message).toContain("has no package.json");
    expect(message).toContain('"typecheck": "tsc --noEmit"');
    expect(message).toContain("--no-checks");
  });

  test("a package.json with none of the configured scripts: refused, naming them and verify.scripts", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { test: "bun test" } });
    const message = await refusal(() => prepareTasks([task], ws.dir, config()));
    expect(message).toContain('defines none of the scripts "typecheck", "lint", "build"');
    expect(message).toContain("verify.scripts in smol-coder.config.json");
  });

  test("some of them is enough: the missing ones are skipped and the task is verified", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const [prepared] = await prepareTasks([task], ws.dir, config());
    expect(prepared!.verified).toBe(true);
    expect(prepared!.checks.checks.map((c) => c.name)).toEqual(["typecheck"]);
    expect(prepared!.checks.skipped.map((s) => s.check)).toEqual(["lint", "build"]);
  });

  test("--no-checks, or an explicit empty verify.scripts, runs the task unverified", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const [flagged] = await prepareTasks([task], ws.dir, config(), { noChecks: true });
    expect(flagged!.verified).toBe(false);
    expect(flagged!.checks.checks).toEqual([]);
    const [empty] = await prepareTasks([task], ws.dir, config([]));
    expect(empty!.verified).toBe(false);
  });

  test("--no-checks runs no check even where the workspace has them", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const [prepared] = await prepareTasks([task], ws.dir, config(), { noChecks: true });
    expect(prepared!.checks.checks).toEqual([]);
    expect(prepared!.verified).toBe(false);
  });
});

describe("a task's own verify list", () => {
  test("naming a script package.json lacks is refused, naming the task and the script", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const withTest: Task = { ...task, verify: ["typecheck", "test"] };
    const message = await refusal(() => prepareTasks([task, withTest], ws.dir, config()));
    expect(message).toContain('task 2 asks to be verified by "test"');
    expect(message).toContain("package.json");
  });

  test("whose scripts all exist is planned as given", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true", test: "true" } });
    const [prepared] = await prepareTasks([{ ...task, verify: ["test"] }], ws.dir, config());
    expect(prepared!.checks.checks.map((c) => c.name)).toEqual(["test"]);
  });
});

test("an unknown key in a task is refused, not ignored", () => {
  const result = TaskSchema.safeParse({ description: "x", filesOwned: ["a.ts"], verfy: ["test"] });
  expect(result.success).toBe(false);
  expect(JSON.stringify(result.error?.issues)).toContain("verfy");
});

describe("owned paths are checked for the whole batch before anything runs", () => {
  const second = (file: string): Task => ({ description: "edit it", filesOwned: [file] });

  test("a folder, a path through a file, a FIFO, a socket and a binary file are refused, naming the task and the file", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" }, files: { "src/a.ts": "a\n", "notes.txt": "n\n" } });
    await writeFile(path.join(ws.dir, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    mkfifo(path.join(ws.dir, "pipe.ts"));
    await using _sock = await unixSocket(path.join(ws.dir, "sock"));
    const cases: Array<[string, string]> = [
      ["src", "task 2: src is a folder, not a regular file. Nothing was run."],
      ["notes.txt/x.ts", "task 2: notes.txt/x.ts cannot be a file: notes.txt, on its path, is not a folder. Nothing was run."],
      ["pipe.ts", "task 2: pipe.ts is a FIFO (named pipe), not a regular file. Nothing was run."],
      ["sock", "task 2: sock is a socket, not a regular file. Nothing was run."],
      ["logo.png", "task 2: logo.png is a binary file (it has NUL bytes, as git judges it); smol-coder edits text files only; remove it from filesOwned. Nothing was run."],
    ];
    for (const [file, message] of cases) expect(await refusal(() => prepareTasks([task, second(file)], ws.dir, config()))).toBe(message);
  });

  test("a file that cannot be written (immutable) is refused up front", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" }, files: { "src/a.ts": "a\n" } });
    using _locked = immutable(path.join(ws.dir, "src/a.ts"));
    const message = await refusal(() => prepareTasks([second("src/a.ts")], ws.dir, config()));
    expect(message).toStartWith("cannot write src/a.ts: EPERM, operation not permitted");
  });
});

describe("filesRead", () => {
  const reading = (filesRead: string[], filesOwned = ["a.txt"]) => TaskSchema.parse({ description: "use the types", filesOwned, filesRead });

  test("paths are checked like filesOwned: relative, no '..', and a path in both lists is owned", () => {
    for (const bad of ["/etc/passwd", "../x.ts", "src/../../x.ts", "C:\\x.ts", ""]) {
      const r = TaskSchema.safeParse({ description: "x", filesOwned: ["a.ts"], filesRead: [bad] });
      expect({ bad, ok: r.success }).toEqual({ bad, ok: false });
    }
    expect(reading(["./src/types.ts", "src/types.ts", "a.txt"], ["a.txt"]).filesRead).toEqual(["src/types.ts"]);
  });

  test("an existing regular file is accepted", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" }, files: { "src/types.ts": "export type A = 1\n" } });
    const [prepared] = await prepareTasks([reading(["src/types.ts"])], ws.dir, config());
    expect(prepared!.task.filesRead).toEqual(["src/types.ts"]);
  });

  test("a missing file is refused before anything runs, naming the task and the file", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const message = await refusal(() => prepareTasks([task, reading(["src/nope.ts"])], ws.dir, config()));
    expect(message).toContain("task 2 lists src/nope.ts in filesRead, but it does not exist");
    expect(message).toContain("filesOwned");
  });

  test("a folder is refused", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" }, files: { "src/x.ts": "" } });
    expect(await refusal(() => prepareTasks([reading(["src"])], ws.dir, config()))).toContain("src in filesRead, but it is not a regular file");
  });

  test("a symlink that leads out of the workspace is refused", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const outside = await mkdtemp(path.join(os.tmpdir(), "smol-outside-"));
    try {
      await writeFile(path.join(outside, "secret.ts"), "export const key = 'x'\n");
      await mkdir(path.join(ws.dir, "src"), { recursive: true });
      await symlink(path.join(outside, "secret.ts"), path.join(ws.dir, "src/secret.ts"));
      expect(await refusal(() => prepareTasks([reading(["src/secret.ts"])], ws.dir, config()))).toContain("resolves outside the workspace through a symlink");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
