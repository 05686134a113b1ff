// Commits, branches and --resume through the real CLI, on real git repositories: --branch on a
// real Vite project (its tsc and ESLint run in the branch's worktree through the linked
// node_modules), a dirty owned file refused before any model call, and a batch killed with
// SIGKILL then finished by --resume without redoing or recommitting what was done.
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ResultFileSchema, type ResultFile } from "../../src/run/results.ts";
import { runCli, startCli } from "../../testing/cli.ts";
import { commitsSince, git, installHook, statusLines } from "../../testing/git.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { CARD_TSX, diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../testing/workspace.ts";

const CARD = "src/components/Card.tsx";

async function readResult(file: string): Promise<ResultFile | null> {
  const text = await readFile(file, "utf8").catch(() => null);
  return text ? ResultFileSchema.parse(JSON.parse(text)) : null;
}

/** Waits until the result file the CLI writes after each task says `done`; fails if the CLI ends first. */
async function untilResult(file: string, done: (r: ResultFile) => boolean, cli: Bun.Subprocess): Promise<ResultFile> {
  for (;;) {
    const r = await readResult(file).catch(() => null);
    if (r && done(r)) return r;
    if (cli.exitCode !== null || cli.signalCode !== null) throw new Error(`the CLI ended (${cli.exitCode ?? cli.signalCode}) before the result file said so`);
    await Bun.sleep(25);
  }
}

describe("--branch", () => {
  test("the task commits on the branch, checked in a worktree; the user's branch, index and files stay as they were", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "react-ts", scripts: { build: "true" }, git: true });
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    // The user is mid-work: an edit, a staged file, and their own version of the task's file.
    await ws.write("src/App.css", "/* the user's edit */\n");
    await ws.write("notes.md", "staged by the user\n");
    git(ws.dir, "add", "notes.md");
    await ws.write(CARD, "// the user's own draft\n");
    const main = git(ws.dir, "rev-parse", "main").trim();
    const before = { snapshot: await ws.snapshot(), status: statusLines(ws.dir), index: git(ws.dir, "ls-files", "--stage") };
    const resultFile = path.join(ws.dir, "..", `${path.basename(ws.dir)}-result.json`);

    const r = await runCli({
      args: ["--workspace", ws.dir, "--branch", "smol/card", "--result-file", resultFile],
      stdin: JSON.stringify({ description: "Add a Card component", filesOwned: [CARD] }),
      env: { LITELLM_URL: server.url },
    });

    expect(r.exitCode).toBe(0);
    expect(r.events.find((e) => e.event === "verification_start")).toMatchObject({ checks: ["typecheck", "lint", "build"] });
    expect(r.events.some((e) => e.event === "verification_pass")).toBe(true);
    expect(r.events.find((e) => e.event === "uncommitted_left_out")).toMatchObject({ branch: "smol/card", files: [CARD] });
    // The user's side: same branch, same commit, same index, same files byte for byte.
    expect(git(ws.dir, "symbolic-ref", "--short", "HEAD").trim()).toBe("main");
    expect(git(ws.dir, "rev-parse", "main").trim()).toBe(main);
    expect(git(ws.dir, "ls-files", "--stage")).toBe(before.index);
    expect(statusLines(ws.dir)).toEqual(before.status);
    expect(await ws.snapshot()).toEqual(before.snapshot);
    // The branch's side: one commit on top of main holding the card, and the worktree is gone.
    const commits = commitsSince(ws.dir, main, "smol/card");
    expect(commits.map((c) => c.files)).toEqual([[CARD]]);
    expect(git(ws.dir, "show", `smol/card:${CARD}`)).toBe(CARD_TSX);
    expect(git(ws.dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    const result = (await readResult(resultFile))!;
    expect(result).toMatchObject({ branch: "smol/card", baseCommit: main, workspace: ws.dir });
    expect(result.tasks[0]!.commit).toEqual({ sha: commits[0]!.sha, branch: "smol/card" });
  }, 120_000);
});

describe("--commit", () => {
  test("a dirty owned file is refused with exit 2, naming it, before any model call", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", files: { "a.ts": "a\n" }, scripts: PASSING_CHECK, git: true });
    await ws.write("a.ts", "the user's edit\n");
    const r = await runCli({ args: ["--workspace", ws.dir, "--commit"], stdin: JSON.stringify({ description: "change a", filesOwned: ["a.ts"] }), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("a.ts has uncommitted changes");
    expect(r.stderr).toContain("--commit-dirty");
    expect(server.requests).toHaveLength(0);
    expect(await ws.read("a.ts")).toBe("the user's edit\n");
  }, 30_000);
});

test("a run killed right after its task's commit: the next run keeps the committed file (no revert left in the tree)", async () => {
  await using server = await startModelServer();
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, files: { "a.ts": "export const a = 1\n" }, git: true });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("a.ts", "export const a = 1\n", "export const a = 2\n"))));
  // The hook's parent is git, and git's is the CLI: SIGKILL it once the commit is made, before its journal goes.
  await installHook(ws.dir, "post-commit", 'kill -9 "$(ps -o ppid= -p "$PPID" | tr -d " ")"');
  const killed = await runCli({ args: ["--workspace", ws.dir, "--commit"], stdin: JSON.stringify({ description: "set a to 2", filesOwned: ["a.ts"] }), env: { LITELLM_URL: server.url } });
  expect(killed.exitCode).toBe(137); // 128 + SIGKILL, as Bun reports a killed child
  expect(git(ws.dir, "log", "-1", "--format=%s").trim()).toBe("set a to 2");
  await installHook(ws.dir, "post-commit", "exit 0");

  const next = await runCli({ args: ["--workspace", ws.dir, "--no-checks", "--dry-run"], stdin: JSON.stringify({ description: "look at a", filesOwned: ["a.ts"] }), env: { LITELLM_URL: server.url } });
  expect(next.stderr).toContain("Kept, since that run had committed them (HEAD holds them as they are): a.ts.");
  expect(next.events.find((e) => e.event === "journal_recovered")).toMatchObject({ restored: [], committed: ["a.ts"] });
  expect(await ws.read("a.ts")).toBe("export const a = 2\n");
  expect(statusLines(ws.dir)).toEqual([]);
}, 30_000);

describe("--resume", () => {
  test("a run killed before its first task ended left a result file too: --resume runs every task", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, git: true });
    let answers = false;
    server.onRequest(() => (answers ? reply.text(diffReply(unifiedDiff("a.ts", null, "export const a = 1\n"))) : reply.hang()));
    const resultFile = path.join(ws.dir, "..", `${path.basename(ws.dir)}-early.json`);
    const task = JSON.stringify({ description: "Create a.ts", filesOwned: ["a.ts"] });
    const killed = startCli({ args: ["--workspace", ws.dir, "--commit", "--result-file", resultFile], stdin: task, env: { LITELLM_URL: server.url } });
    const early = await untilResult(resultFile, (r) => r.tasks.length === 0, killed.proc);
    expect(early.finishedAt).toBeNull();
    await server.waitFor(() => server.requests.length > 0, { timeoutMs: 30_000, what: "the task's model call" });
    killed.proc.kill("SIGKILL");
    await killed.done;
    answers = true;
    const resumed = await runCli({ args: ["--workspace", ws.dir, "--commit", "--resume", resultFile], stdin: task, env: { LITELLM_URL: server.url } });
    expect(resumed.exitCode).toBe(0);
    expect((await readResult(resultFile))!.tasks.map((t) => t.status)).toEqual(["complete"]);
  }, 60_000);

  test("a batch killed with SIGKILL is finished by --resume: the rest runs, the done tasks are neither redone nor recommitted", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, git: true });
    const tasks = ["a", "b", "c"].map((n) => ({ description: `Create ${n}.ts`, filesOwned: [`${n}.ts`] }));
    let cAnswers = false;
    server.onRequest((req) => {
      const name = /## Task\nCreate (\w)\.ts/.exec(req.messages.at(-1)!.content)![1]!;
      // Task c's first call never gets an answer: the machine goes to sleep, the process is killed.
      if (name === "c" && !cAnswers) return reply.hang();
      return reply.text(diffReply(unifiedDiff(`${name}.ts`, null, `export const ${name} = 1\n`))).usage(100, 10);
    });
    const base = git(ws.dir, "rev-parse", "HEAD").trim();
    const resultFile = path.join(ws.dir, "..", `${path.basename(ws.dir)}-result.json`);
    const env = { LITELLM_URL: server.url };

    const killed = startCli({ args: ["--workspace", ws.dir, "--commit", "--result-file", resultFile], stdin: JSON.stringify(tasks), env });
    await server.waitFor(() => server.requests.some((q) => q.messages.at(-1)!.content.includes("Create c.ts")), { timeoutMs: 30_000, what: "task c's model call" });
    const partial = await untilResult(resultFile, (r) => r.tasks.filter((t) => t.status === "complete").length === 2, killed.proc);
    killed.proc.kill("SIGKILL");
    await killed.done;
    expect(partial.finishedAt).toBeNull();
    expect(partial.tasks.map((t) => t.description)).toEqual(["Create a.ts", "Create b.ts"]);
    const firstCommits = commitsSince(ws.dir, base);
    expect(firstCommits.map((c) => c.subject).sort()).toEqual(["Create a.ts", "Create b.ts"]);
    expect(await ws.read("c.ts")).toBeNull();

    // Resumed on another branch than the one it committed to: refused before any call.
    const wrong = await runCli({ args: ["--workspace", ws.dir, "--resume", resultFile, "--branch", "elsewhere"], stdin: JSON.stringify(tasks), env });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("committed to branch main");
    expect(git(ws.dir, "branch", "--list", "elsewhere")).toBe("");

    cAnswers = true;
    const callsBefore = server.requests.length;
    const resumed = await runCli({ args: ["--workspace", ws.dir, "--commit", "--resume", resultFile], stdin: JSON.stringify(tasks), env });
    expect(resumed.exitCode).toBe(0);
    const calls = server.requests.slice(callsBefore);
    expect(calls.map((q) => /## Task\n(.*)/.exec(q.messages.at(-1)!.content)![1])).toEqual(["Create c.ts"]);
    expect(resumed.events.filter((e) => e.event === "task_skipped").map((e) => e.description)).toEqual(["Create a.ts", "Create b.ts"]);
    expect(resumed.events.find((e) => e.event === "run_summary")).toMatchObject({ tasks: 3, done: 1, skipped: 2 });

    const all = commitsSince(ws.dir, base);
    expect(all.map((c) => c.subject)).toEqual([...firstCommits.map((c) => c.subject), "Create c.ts"]);
    const final = (await readResult(resultFile))!;
    expect(final.finishedAt).not.toBeNull();
    expect(final.tasks.map((t) => [t.description, t.status])).toEqual([
      ["Create a.ts", "skipped"],
      ["Create b.ts", "skipped"],
      ["Create c.ts", "complete"],
    ]);
    for (const t of final.tasks.slice(0, 2)) expect(t.commit).toEqual(partial.tasks.find((p) => p.description === t.description)!.commit);
    expect(final.tasks[2]!.commit!.sha).toBe(all[2]!.sha);
    expect(final.baseCommit).toBe(base);
    expect(statusLines(ws.dir)).toEqual([]);
  }, 90_000);
});
