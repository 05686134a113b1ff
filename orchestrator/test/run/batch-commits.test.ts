// A batch with --commit on a real git repository, in this process: one commit per completed
// task holding only its files, in the order they passed; nothing for the task that aborted; and
// every refusal (dirty, untracked, ignored owned files) before any model call.
import { describe, expect, test } from "bun:test";
import { createMemoryModel, memoryReply, type MemoryModel } from "../../testing/memory-model.ts";
import { commitsSince, git, statusLines } from "../../testing/git.ts";
import { runBatchLoop } from "../../testing/batch-loop.ts";
import { eventsNamed } from "../../testing/task-loop.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";

const files = { "src/b.ts": "export const b = 1\n", "src/d.ts": "export const d = 1\n", "notes.md": "notes\n" };
const tasks = [
  { description: "Create a\n\nA new module with one constant.", filesOwned: ["src/a.ts"] },
  { description: "Change b to 2", filesOwned: ["src/b.ts"] },
  { description: "Create c1 and c2", filesOwned: ["src/c1.ts", "src/c2.ts"] },
  { description: "Change d (this one never works)", filesOwned: ["src/d.ts"] },
  { description: "Create e", filesOwned: ["src/e.ts"] },
];

/** Each task's edit, chosen by its description in the prompt; task d only ever gets prose. */
function scriptedModel(): MemoryModel {
  const model = createMemoryModel();
  model.answer((_req, prompt) => {
    const has = (s: string) => prompt.includes(`## Task\n${s}`);
    if (has("Create a")) return memoryReply.text(diffReply(unifiedDiff("src/a.ts", null, "export const a = 1\n")));
    if (has("Change b")) return memoryReply.text(diffReply(unifiedDiff("src/b.ts", files["src/b.ts"], "export const b = 2\n")));
    if (has("Create c1")) return memoryReply.text(diffReply(unifiedDiff("src/c1.ts", null, "export const c1 = 1\n"), unifiedDiff("src/c2.ts", null, "export const c2 = 2\n")));
    if (has("Create e")) return memoryReply.text(diffReply(unifiedDiff("src/e.ts", null, "export const e = 1\n")));
    return memoryReply.text("I am not sure how to change d.");
  });
  return model;
}

describe("a batch with --commit", () => {
  test("5 tasks, one aborts: exactly 4 commits, each with only its own files and the trailers, and a clean tree", async () => {
    let base = "";
    await using loop = await runBatchLoop({ tasks, files, model: scriptedModel(), setup: async (ws) => void (base = git(ws.dir, "rev-parse", "HEAD").trim()) });
    expect(loop.error).toBeNull();
    const result = loop.run!.result;
    expect(result.tasks.map((t) => t.status)).toEqual(["complete", "complete", "complete", "aborted", "complete"]);

    const commits = commitsSince(loop.ws.dir, base);
    expect(commits).toHaveLength(4);
    // One commit per task in the order they passed, which is the order of their commit_created events.
    expect(commits.map((c) => c.sha)).toEqual(eventsNamed(loop.events, "commit_created").map((e) => e.sha));
    for (const c of commits) {
      const row = result.tasks.find((t) => t.commit?.sha === c.sha)!;
      expect(row).toBeDefined();
      expect(c.files).toEqual([...row.filesChanged].sort());
      expect(c.subject).toBe(row.description.split("\n")[0]!);
      expect(c.trailers).toEqual({
        "Smol-Task-Id": row.taskId,
        "Smol-Final-Tier": row.finalTier,
        "Smol-Attempts": String(row.attempts),
        "Smol-Tokens": String(row.tokens.total),
      });
      expect(row.commit!.branch).toBe("main");
    }
    expect(commits.find((c) => c.subject === "Create a")!.body).toContain("A new module with one constant.");
    expect(commits.find((c) => c.subject === "Create c1 and c2")!.files).toEqual(["src/c1.ts", "src/c2.ts"]);
    // The aborted task's file is untouched, and nothing else is left over.
    expect(await loop.ws.read("src/d.ts")).toBe(files["src/d.ts"]);
    expect(result.tasks[3]!.commit).toBeNull();
    expect(statusLines(loop.ws.dir)).toEqual([]);
    expect(result).toMatchObject({ baseCommit: base, branch: "main" });
    expect(result.totals).toMatchObject({ tasks: 5, complete: 4, aborted: 1, skipped: 0 });
  });

  test("a file the user staged for their own commit stays staged and in none of the task commits", async () => {
    await using loop = await runBatchLoop({
      tasks: [tasks[1]!],
      files,
      model: scriptedModel(),
      setup: async (ws) => {
        await ws.write("notes.md", "my own staged notes\n");
        git(ws.dir, "add", "notes.md");
      },
    });
    expect(loop.error).toBeNull();
    const head = commitsSince(loop.ws.dir, "HEAD~1")[0]!;
    expect(head.files).toEqual(["src/b.ts"]);
    expect(statusLines(loop.ws.dir)).toEqual(["M  notes.md"]);
    expect(git(loop.ws.dir, "show", ":notes.md")).toBe("my own staged notes\n");
  });
});

describe("owned files that a commit could not hold as the task's own are refused before any model call", () => {
  const cases: Array<[string, (ws: { dir: string; write(rel: string, c: string): Promise<void> }) => Promise<void>, RegExp]> = [
    ["modified", (ws) => ws.write("src/b.ts", "export const b = 'mine'\n"), /src\/b\.ts has uncommitted changes/],
    ["staged", async (ws) => (await ws.write("src/b.ts", "export const b = 3\n"), void git(ws.dir, "add", "src/b.ts")), /src\/b\.ts has uncommitted changes/],
    ["untracked", (ws) => ws.write("src/a.ts", "export const a = 'mine'\n"), /src\/a\.ts has uncommitted changes/],
    ["ignored", (ws) => ws.write(".gitignore", "src/a.ts\n").then(() => void git(ws.dir, "add", ".gitignore")).then(() => void git(ws.dir, "commit", "-qm", "ignore")), /src\/a\.ts is ignored by git/],
  ];
  for (const [what, setup, message] of cases) {
    test(`an owned file that is ${what}`, async () => {
      await using loop = await runBatchLoop({ tasks: [tasks[0]!, tasks[1]!], files, model: scriptedModel(), setup: (ws) => setup(ws) });
      expect(loop.error?.message).toMatch(message);
      expect(loop.error?.name).toBe("InputError");
      expect(loop.model.requests).toHaveLength(0);
      expect(loop.checks.calls).toEqual([]);
    });
  }

  test("the message names every dirty file and the flag that commits them first", async () => {
    await using loop = await runBatchLoop({
      tasks: [tasks[0]!, tasks[1]!],
      files,
      model: scriptedModel(),
      setup: async (ws) => {
        await ws.write("src/b.ts", "export const b = 'mine'\n");
        await ws.write("src/a.ts", "mine\n");
      },
    });
    expect(loop.error?.message).toContain("src/a.ts, src/b.ts have uncommitted changes");
    expect(loop.error?.message).toContain("--commit-dirty");
    expect(await loop.ws.read("src/b.ts")).toBe("export const b = 'mine'\n");
  });

  test("--commit-dirty commits the user's changes first, then the task's change on top", async () => {
    let base = "";
    await using loop = await runBatchLoop({
      tasks: [tasks[1]!],
      files,
      model: (() => {
        const m = createMemoryModel();
        m.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff("src/b.ts", "export const b = 'mine'\n", "export const b = 2\n"))));
        return m;
      })(),
      git: { commitDirty: true },
      setup: async (ws) => {
        base = git(ws.dir, "rev-parse", "HEAD").trim();
        await ws.write("src/b.ts", "export const b = 'mine'\n");
        await ws.write("notes.md", "unrelated and not owned\n");
      },
    });
    expect(loop.error).toBeNull();
    const [mine, theirs] = commitsSince(loop.ws.dir, base);
    expect(mine!.files).toEqual(["src/b.ts"]);
    expect(git(loop.ws.dir, "show", `${mine!.sha}:src/b.ts`)).toBe("export const b = 'mine'\n");
    expect(mine!.trailers["Smol-Run-Id"]).toBe("batch-loop");
    expect(theirs!.files).toEqual(["src/b.ts"]);
    expect(theirs!.trailers["Smol-Task-Id"]).toBe(loop.run!.result.tasks[0]!.taskId);
    // The base stays the commit before the user's changes, so the run's work is base..branch.
    expect(loop.run!.result.baseCommit).toBe(base);
    expect(statusLines(loop.ws.dir)).toEqual([" M notes.md"]);
  });

  test("a dry run neither refuses dirty files nor commits", async () => {
    await using loop = await runBatchLoop({
      tasks: [tasks[1]!],
      files,
      model: scriptedModel(),
      git: { dryRun: true },
      setup: (ws) => ws.write("notes.md", "dirty but not owned\n"),
    });
    expect(loop.error).toBeNull();
    expect(loop.run!.result.tasks[0]).toMatchObject({ status: "complete", commit: null });
    expect(git(loop.ws.dir, "log", "--format=%s").trim()).toBe("initial");
  });
});
