// The next start after a run died with its edit in place. Here the "dead" run is this process
// with its liveness check answered no; test/e2e/journal.test.ts kills a real CLI with SIGKILL.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, symlink, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { journalFolder } from "../../src/workspace/journal.ts";
import { openOwnedFiles } from "../../src/workspace/owned-files.ts";
import { recoverWorkspace } from "../../src/workspace/recover.ts";
import { headHolds } from "../../src/git/head-holds.ts";
import { git } from "../../testing/git.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), "smol-recover-"));
  dirs.push(d);
  return d;
}

const dead = () => false;

/** A workspace where a "run" wrote its edit and then died: the journal is left, the files hold the edit. */
async function crashed() {
  const root = await tempDir();
  const state = await tempDir();
  await mkdir(path.join(root, "shared"));
  await writeFile(path.join(root, "a.ts"), "A\n");
  await writeFile(path.join(root, "shared/c.ts"), "C\n");
  await symlink("shared/c.ts", path.join(root, "c-link.ts"));
  const owned = await openOwnedFiles(root, ["a.ts", "new/b.ts", "c-link.ts"], { stateDir: state });
  const written = await owned.write(new Map([["a.ts", "A edited\n"], ["new/b.ts", "B\n"], ["c-link.ts", "C edited\n"]]));
  if (!written.ok) throw new Error(written.message);
  // A temp file a SIGKILL in the middle of a later commit would leave.
  await writeFile(path.join(root, ".a.ts.smol-0badf00d.tmp"), "half");
  return { root, state };
}

describe("recoverWorkspace", () => {
  test("files that hold what the dead run wrote get their originals back; its temp files and folders go, and so does the journal", async () => {
    const { root, state } = await crashed();
    const result = await recoverWorkspace({ stateDir: state, root, isAlive: dead });
    expect(result.conflicts).toEqual([]);
    expect(result.recovered).toHaveLength(1);
    expect(result.recovered[0]).toMatchObject({ pid: process.pid, restored: ["a.ts", "new/b.ts", "c-link.ts"], unchanged: [] });
    expect((await readdir(root)).sort()).toEqual(["a.ts", "c-link.ts", "shared"]);
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A\n");
    expect(await readFile(path.join(root, "shared/c.ts"), "utf8")).toBe("C\n");
    expect(await readdir(journalFolder(state, root))).toEqual([]);
  });

  test("a file HEAD holds as the dead run wrote it (it had committed it) is kept; the others go back", async () => {
    const { root, state } = await crashed();
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "a.ts");
    git(root, "-c", "user.email=t@x", "-c", "user.name=T", "commit", "-q", "-m", "the task's commit");
    const result = await recoverWorkspace({ stateDir: state, root, isAlive: dead, committed: (rel, content) => headHolds(root, rel, content) });
    expect(result.recovered[0]).toMatchObject({ restored: ["new/b.ts", "c-link.ts"], unchanged: [], committed: ["a.ts"] });
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A edited\n");
    expect(await readFile(path.join(root, "shared/c.ts"), "utf8")).toBe("C\n");
    // Without the git check (or outside a repository) it goes back like any file the run wrote.
    const again = await crashed();
    const plain = await recoverWorkspace({ stateDir: again.state, root: again.root, isAlive: dead, committed: (rel, content) => headHolds(again.root, rel, content) });
    expect(plain.recovered[0]).toMatchObject({ committed: [] });
    expect(await readFile(path.join(again.root, "a.ts"), "utf8")).toBe("A\n");
  });

  test("a file the user changed since: nothing is touched, the journal stays, and the file is named", async () => {
    const { root, state } = await crashed();
    await writeFile(path.join(root, "a.ts"), "the user's own work\n");
    const result = await recoverWorkspace({ stateDir: state, root, isAlive: dead });
    expect(result.recovered).toEqual([]);
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]!.changed).toEqual(["a.ts"]);
    expect(result.conflicts[0]!.journal).toStartWith(journalFolder(state, root));
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("the user's own work\n");
    expect(await readFile(path.join(root, "new/b.ts"), "utf8")).toBe("B\n");

    const forced = await recoverWorkspace({ stateDir: state, root, isAlive: dead, force: true });
    expect(forced.recovered[0]!.restored).toEqual(["a.ts", "new/b.ts", "c-link.ts"]);
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A\n");
  });

  test("files already back as they were are reported unchanged", async () => {
    const { root, state } = await crashed();
    await writeFile(path.join(root, "a.ts"), "A\n");
    const result = await recoverWorkspace({ stateDir: state, root, isAlive: dead });
    expect(result.recovered[0]).toMatchObject({ restored: ["new/b.ts", "c-link.ts"], unchanged: ["a.ts"] });
  });

  test("the journal of a run that is still alive is left to it", async () => {
    const { root, state } = await crashed();
    const result = await recoverWorkspace({ stateDir: state, root });
    expect(result).toEqual({ recovered: [], conflicts: [], unreadable: [], failed: [] });
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A edited\n");
  });

  test("a journal that is not one is reported, not guessed at", async () => {
    const root = await tempDir();
    const state = await tempDir();
    await mkdir(journalFolder(state, root), { recursive: true });
    await writeFile(path.join(journalFolder(state, root), "1-deadbeef.json"), "{ not json");
    const result = await recoverWorkspace({ stateDir: state, root, isAlive: dead });
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0]!.journal).toEndWith("1-deadbeef.json");
  });
});
