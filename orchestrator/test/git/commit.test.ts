// commitFiles, ownedStatus and the message, on real repositories made by createWorkspace.
import { describe, expect, test } from "bun:test";
import { commitFiles } from "../../src/git/commit.ts";
import { commitMessage } from "../../src/git/message.ts";
import { runGit } from "../../src/git/run-git.ts";
import { ownedStatus } from "../../src/git/status.ts";
import { commitInfo, git, installHook, statusLines } from "../../testing/git.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const facts = { taskId: "t-1", finalTier: "deep" as const, attempts: 3, tokens: 1234, verified: true };

describe("commitFiles", () => {
  test("a new, a changed and a deleted file in one commit; other changes, staged or not, stay out", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "keep.ts": "k\n", "gone.ts": "g\n", "other.ts": "o\n", "staged.ts": "s\n" }, git: true });
    await ws.write("keep.ts", "k2\n");
    await ws.write("new [1].ts", "n\n");
    await Bun.file(`${ws.dir}/gone.ts`).delete();
    await ws.write("other.ts", "mine\n");
    await ws.write("staged.ts", "mine too\n");
    git(ws.dir, "add", "staged.ts");

    const made = await commitFiles(runGit, { cwd: ws.dir, files: ["keep.ts", "new [1].ts", "gone.ts"], message: commitMessage({ ...facts, description: "three files" }) });
    expect(made.ok).toBe(true);
    const info = commitInfo(ws.dir, made.ok ? made.sha! : "");
    expect(info.files).toEqual(["gone.ts", "keep.ts", "new [1].ts"]);
    expect(statusLines(ws.dir)).toEqual([" M other.ts", "M  staged.ts"]);
  });

  test("files already as committed: nothing to commit, and no empty commit", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "a.ts": "a\n" }, git: true });
    const head = git(ws.dir, "rev-parse", "HEAD");
    expect(await commitFiles(runGit, { cwd: ws.dir, files: ["a.ts"], message: "m\n" })).toEqual({ ok: true, sha: null });
    expect(git(ws.dir, "rev-parse", "HEAD")).toBe(head);
  });

  test("in a workspace below the repository's top, paths are the workspace's", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "app/src/a.ts": "a\n" }, git: true });
    await ws.write("app/src/a.ts", "b\n");
    const made = await commitFiles(runGit, { cwd: `${ws.dir}/app`, files: ["src/a.ts"], message: "m\n" });
    expect(made.ok && commitInfo(ws.dir, made.sha!).files).toEqual(["app/src/a.ts"]);
  });

  test("a commit-msg hook that refuses: the output comes back, the new file is not left in the index", async () => {
    await using ws = await createWorkspace({ template: "empty", git: true });
    await installHook(ws.dir, "commit-msg", `echo "commit-msg: subject too long" >&2\nexit 1\n`);
    await ws.write("n.ts", "n\n");
    const made = await commitFiles(runGit, { cwd: ws.dir, files: ["n.ts"], message: "m\n" });
    expect(made).toMatchObject({ ok: false, reason: "exit" });
    expect(!made.ok && made.output).toContain("commit-msg: subject too long");
    expect(statusLines(ws.dir)).toEqual(["?? n.ts"]);
  });
});

describe("ownedStatus", () => {
  test("modified, staged, untracked, deleted and ignored owned files; absent and clean ones are fine", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "m.ts": "m\n", "s.ts": "s\n", "d.ts": "d\n", "c.ts": "c\n", ".gitignore": "gen/\n" }, git: true });
    await ws.write("m.ts", "m2\n");
    await ws.write("s.ts", "s2\n");
    git(ws.dir, "add", "s.ts");
    await ws.write("u.ts", "u\n");
    await Bun.file(`${ws.dir}/d.ts`).delete();
    const status = await ownedStatus(runGit, ws.dir, "", ["m.ts", "s.ts", "u.ts", "d.ts", "c.ts", "absent.ts", "gen/x.ts"]);
    expect(status).toEqual({ ok: true, dirty: ["m.ts", "s.ts", "u.ts", "d.ts"], ignored: ["gen/x.ts"] });
  });
});

describe("commitMessage", () => {
  test("first line as the subject, the whole description as the body, trailers git can parse", async () => {
    await using ws = await createWorkspace({ template: "empty", git: true });
    const description = "Add a Card component\n\n# Props\n- title: string\n";
    const message = commitMessage({ ...facts, description });
    expect(message.split("\n")[0]).toBe("Add a Card component");
    await ws.write("a.ts", "a\n");
    const made = await commitFiles(runGit, { cwd: ws.dir, files: ["a.ts"], message });
    const info = commitInfo(ws.dir, made.ok ? made.sha! : "");
    // A markdown heading in the description survives (git would strip "#" lines by default).
    expect(info.body).toContain("# Props\n- title: string");
    expect(info.trailers).toEqual({ "Smol-Task-Id": "t-1", "Smol-Final-Tier": "deep", "Smol-Attempts": "3", "Smol-Tokens": "1234" });
  });

  test("a one-line description is not repeated; a long first line is cut in the subject only", () => {
    expect(commitMessage({ ...facts, description: "Fix it" })).toBe("Fix it\n\nSmol-Task-Id: t-1\nSmol-Final-Tier: deep\nSmol-Attempts: 3\nSmol-Tokens: 1234\n");
    const long = `Make ${"the card ".repeat(12)}work`;
    const message = commitMessage({ ...facts, description: long, verified: false });
    expect(message.split("\n")[0]!.length).toBe(72);
    expect(message.split("\n")[0]!.endsWith("…")).toBe(true);
    expect(message).toContain(`\n\n${long}\n\n`);
    expect(message).toContain("Smol-Verified: false");
  });
});

describe("runGit", () => {
  test("a hook that outlives the timeout is stopped with its whole process group", async () => {
    await using ws = await createWorkspace({ template: "empty", git: true });
    // A duration no other process on the machine is likely to sleep for, to find it afterwards.
    const secs = 600 + Math.floor(Math.random() * 3000);
    await installHook(ws.dir, "pre-commit", `sleep ${secs} &\nwait\n`);
    await ws.write("a.ts", "a\n");
    const started = performance.now();
    const made = await commitFiles(runGit, { cwd: ws.dir, files: ["a.ts"], message: "m\n", timeoutMs: 500 });
    expect(made).toMatchObject({ ok: false, reason: "timeout" });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(Bun.spawnSync(["pgrep", "-f", `^sleep ${secs}$`]).stdout.toString().trim()).toBe("");
    expect(git(ws.dir, "log", "--format=%s").trim()).toBe("initial");
  });
});
