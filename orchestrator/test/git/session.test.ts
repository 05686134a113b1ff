// openGitSession and its worktree for --branch, on real repositories: what the user's checkout
// looks like during and after, the refusals, and a worktree left behind by a killed run.
import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openGitSession, type GitMode } from "../../src/git/session.ts";
import { openWorktree } from "../../src/git/worktree.ts";
import { inspectRepo } from "../../src/git/repo.ts";
import { runGit } from "../../src/git/run-git.ts";
import { git, statusLines } from "../../testing/git.ts";
import { createWorkspace, type TempWorkspace } from "../../testing/workspace.ts";

const mode = (m: Partial<GitMode>): GitMode => ({ commit: true, branch: null, commitDirty: false, dryRun: false, ...m });

async function withRoot<T>(fn: (root: string) => Promise<T>): Promise<T> {
  const root = await mkdtemp(path.join(os.tmpdir(), "smol-worktrees-"));
  try {
    return await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function open(ws: TempWorkspace, root: string, m: Partial<GitMode>, workspace = ws.dir) {
  return openGitSession({ workspace, mode: mode(m), runId: "r", worktreeRoot: root, commitTimeoutMs: 10_000 });
}

describe("refusals", () => {
  test("--commit outside a repository; a plain run there records no base commit", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    await withRoot(async (root) => {
      expect(await open(ws, root, {})).toEqual({ ok: false, message: expect.stringContaining("committing (--commit, --branch, or git.commit in the config) needs a git repository") });
      const plain = await open(ws, root, { commit: false });
      expect(plain.ok && plain.session.baseCommit).toBeNull();
    });
  });

  test("a detached HEAD, a merge in progress, an invalid branch name", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "a.ts": "a\n" }, git: true });
    await withRoot(async (root) => {
      git(ws.dir, "checkout", "-q", "--detach");
      expect(await open(ws, root, {})).toMatchObject({ ok: false, message: expect.stringContaining("HEAD is detached") });
      git(ws.dir, "checkout", "-q", "main");
      expect(await open(ws, root, { branch: "bad..name" })).toMatchObject({ ok: false, message: expect.stringContaining('"bad..name" is not a valid branch name') });
      await writeFile(path.join(ws.dir, ".git", "MERGE_HEAD"), `${git(ws.dir, "rev-parse", "HEAD")}`);
      expect(await open(ws, root, {})).toMatchObject({ ok: false, message: expect.stringContaining("a merge is in progress") });
    });
  });

  test("a branch checked out in another worktree of the user's", async () => {
    await using ws = await createWorkspace({ template: "empty", git: true });
    await withRoot(async (root) => {
      const theirs = path.join(root, "theirs");
      git(ws.dir, "worktree", "add", "-q", "-b", "feature", theirs);
      expect(await open(ws, root, { branch: "feature" })).toMatchObject({ ok: false, message: expect.stringContaining(`branch feature is checked out in ${theirs}`) });
    });
  });
});

describe("--branch", () => {
  test("a missing branch is made from HEAD in a worktree with the user's node_modules linked; the user's checkout is untouched", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "app/src/a.ts": "a\n", ".gitignore": "node_modules/\n" }, git: true });
    await mkdir(path.join(ws.dir, "app", "node_modules", "dep"), { recursive: true });
    await writeFile(path.join(ws.dir, "app", "node_modules", "dep", "index.js"), "module.exports = 1\n");
    await ws.write("app/src/a.ts", "the user's own edit\n");
    const head = git(ws.dir, "rev-parse", "HEAD").trim();
    await withRoot(async (root) => {
      const opened = await open(ws, root, { branch: "smol/work" }, path.join(ws.dir, "app"));
      if (!opened.ok) throw new Error(opened.message);
      const s = opened.session;
      expect(s.branch).toBe("smol/work");
      expect(s.baseCommit).toBe(head);
      expect(s.workspace.startsWith(root)).toBe(true);
      expect(s.workspace.endsWith("/app")).toBe(true);
      // The branch's committed file, not the user's edit; their node_modules, reached through a link.
      expect(await Bun.file(path.join(s.workspace, "src/a.ts")).text()).toBe("a\n");
      expect(lstatSync(path.join(s.workspace, "node_modules")).isSymbolicLink()).toBe(true);
      expect(await Bun.file(path.join(s.workspace, "node_modules/dep/index.js")).text()).toBe("module.exports = 1\n");
      // The user's edit is reported as left out of the branch.
      expect(await s.checkOwnedFiles(["src/a.ts"])).toEqual({ ok: true, leftOut: ["src/a.ts"] });
      expect(git(ws.dir, "symbolic-ref", "--short", "HEAD").trim()).toBe("main");

      await s.close();
      expect(existsSync(path.dirname(s.workspace))).toBe(false);
      // The worktree is gone, the user's node_modules is not, and the branch stays at HEAD.
      expect(await Bun.file(path.join(ws.dir, "app/node_modules/dep/index.js")).text()).toBe("module.exports = 1\n");
      expect(git(ws.dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
      expect(git(ws.dir, "rev-parse", "smol/work").trim()).toBe(head);
      expect(statusLines(ws.dir)).toEqual([" M app/src/a.ts"]);
    });
  });

  test("the current branch runs in place; a dry run never makes the branch", async () => {
    await using ws = await createWorkspace({ template: "empty", git: true });
    await withRoot(async (root) => {
      const inPlace = await open(ws, root, { branch: "main" });
      expect(inPlace.ok && inPlace.session.workspace).toBe(ws.dir);
      const dry = await open(ws, root, { branch: "never-made", dryRun: true });
      if (!dry.ok) throw new Error(dry.message);
      expect(dry.session.committerFor("t", { description: "d", filesOwned: ["a"] })).toBeUndefined();
      await dry.session.close();
      expect(git(ws.dir, "branch", "--list", "never-made").trim()).toBe("");
    });
  });

  test("a worktree left by a killed run is removed and made again; an existing branch keeps its commits", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "a.ts": "a\n", ".gitignore": "node_modules\n" }, git: true });
    await ws.write("node_modules/dep/index.js", "module.exports = 1\n");
    await withRoot(async (root) => {
      const found = await inspectRepo(runGit, ws.dir);
      if (!found.ok) throw new Error(found.message);
      const first = await openWorktree(runGit, { repo: found.repo, branch: "w", root, detach: false });
      if (!first.ok) throw new Error(first.message);
      // The killed run's unverified edit, and a commit it did make on the branch.
      await writeFile(path.join(first.worktree.dir, "a.ts"), "half-done\n");
      await writeFile(path.join(first.worktree.dir, "b.ts"), "b\n");
      git(first.worktree.dir, "add", "b.ts");
      git(first.worktree.dir, "commit", "-qm", "done before the kill");
      await writeFile(path.join(first.worktree.dir, "b.ts"), "half-done too\n");

      const second = await openWorktree(runGit, { repo: found.repo, branch: "w", root, detach: false });
      if (!second.ok) throw new Error(second.message);
      expect(second.worktree.dir).toBe(first.worktree.dir);
      expect(second.worktree.createdBranch).toBe(false);
      expect(await Bun.file(path.join(second.worktree.dir, "a.ts")).text()).toBe("a\n");
      expect(await Bun.file(path.join(second.worktree.dir, "b.ts")).text()).toBe("b\n");
      expect(readlinkSync(path.join(second.worktree.dir, "node_modules"))).toBe(path.join(ws.dir, "node_modules"));
      await second.worktree.remove();
      expect(existsSync(path.join(ws.dir, "node_modules"))).toBe(true);
      expect(git(ws.dir, "log", "--format=%s", "w").trim().split("\n")).toEqual(["done before the kill", "initial"]);
    });
  });
});
