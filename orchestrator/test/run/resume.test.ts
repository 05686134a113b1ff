// --resume in this process, on real git repositories: a batch cut short by the model server
// going away is finished by a second run that redoes only what is left, and the matching rules
// (task content, owned files as a completed task left them) each decide a case.
import { describe, expect, test } from "bun:test";
import { planResume, taskHash } from "../../src/run/resume.ts";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { readResultFile, type ResultFile } from "../../src/run/results.ts";
import { runBatchLoop } from "../../testing/batch-loop.ts";
import { commitsSince, git, statusLines } from "../../testing/git.ts";
import { createMemoryModel, memoryReply, type MemoryModel } from "../../testing/memory-model.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { eventsNamed } from "../../testing/task-loop.ts";

const tasks = [
  { description: "Create a", filesOwned: ["a.ts"] },
  { description: "Create b", filesOwned: ["b.ts"] },
  { description: "Create c", filesOwned: ["c.ts"] },
];

/** Creates the file each task names; `down` lists tasks whose calls find the server gone. */
function model(down: string[] = []): MemoryModel {
  const m = createMemoryModel();
  m.answer((_req, prompt) => {
    const name = /## Task\nCreate (\w+)/.exec(prompt)?.[1] ?? "";
    if (down.includes(name)) return memoryReply.fail("unreachable", "connect ECONNREFUSED 127.0.0.1:4000");
    return memoryReply.text(diffReply(unifiedDiff(`${name}.ts`, null, `export const ${name} = 1\n`)));
  });
  return m;
}

describe("--resume", () => {
  test("after the model server went away mid-batch, the rerun does only the task that was left and commits once", async () => {
    let base = "";
    await using first = await runBatchLoop({ tasks, model: model(["c"]), setup: async (ws) => void (base = git(ws.dir, "rev-parse", "HEAD").trim()) });
    const earlier = first.run!.result;
    expect(earlier.tasks.map((t) => t.status)).toEqual(["complete", "complete", "unavailable"]);

    const again = model();
    await using second = await runBatchLoop({ tasks, model: again, earlier, ws: first.ws });
    expect(second.error).toBeNull();
    const result = second.run!.result;
    expect(again.requests).toHaveLength(1);
    expect(again.prompt(0)).toContain("Create c");
    expect(result.tasks.map((t) => t.status)).toEqual(["skipped", "skipped", "complete"]);
    // The skipped tasks keep their id, their commit and their fingerprint, so a third run skips them too.
    for (const i of [0, 1]) {
      expect(result.tasks[i]).toMatchObject({ taskId: earlier.tasks[i]!.taskId, commit: earlier.tasks[i]!.commit, fingerprint: earlier.tasks[i]!.fingerprint, attempts: 0 });
      expect(result.tasks[i]!.message).toBe(`completed in the earlier run ${earlier.runId}`);
    }
    expect(eventsNamed(second.events, "task_skipped").map((e) => e.commit)).toEqual([earlier.tasks[0]!.commit!.sha, earlier.tasks[1]!.commit!.sha]);
    expect(result.totals).toMatchObject({ tasks: 3, complete: 1, skipped: 2, failed: 0 });
    expect(result.baseCommit).toBe(base);
    // Three commits in all: the two from the first run, one from the second; nothing redone.
    expect(commitsSince(second.ws.dir, base).map((c) => c.subject)).toEqual(expect.arrayContaining(["Create a", "Create b", "Create c"]));
    expect(commitsSince(second.ws.dir, base)).toHaveLength(3);
    expect(statusLines(second.ws.dir)).toEqual([]);

    const third = model();
    await using _third = await runBatchLoop({ tasks, model: third, earlier: result, ws: first.ws });
    expect(third.requests).toHaveLength(0);
    expect(commitsSince(first.ws.dir, base)).toHaveLength(3);
  });

  test("a task whose description changed, or whose file was changed since, runs again", async () => {
    await using first = await runBatchLoop({ tasks, model: model() });
    const earlier = first.run!.result;
    await first.ws.write("b.ts", "export const b = 'edited by hand'\n");
    git(first.ws.dir, "commit", "-qam", "hand edit");
    const changed = [tasks[0]!, tasks[1]!, { ...tasks[2]!, description: "Create c, typed" }];
    const plan = await planResume(changed, earlier, first.ws.dir);
    expect([...plan.keys()]).toEqual([0]);
  });

  test("a done task whose commit is not in the history here (reset away) runs again", async () => {
    await using first = await runBatchLoop({ tasks: tasks.slice(0, 2), model: model() });
    const earlier = first.run!.result;
    expect([...(await planResume(tasks.slice(0, 2), earlier, first.ws.dir)).keys()]).toEqual([0, 1]);
    // The user resets the last commit away but keeps its file as it was left: the other commit is still there.
    const head = git(first.ws.dir, "rev-parse", "HEAD").trim();
    const last = earlier.tasks.findIndex((t) => t.commit?.sha === head);
    expect(last).not.toBe(-1);
    git(first.ws.dir, "reset", "-q", "--mixed", "HEAD~1");
    expect([...(await planResume(tasks.slice(0, 2), earlier, first.ws.dir)).keys()]).toEqual([1 - last]);
  });

  test("two done tasks that own the same file both count as done; a task listed twice runs once more", async () => {
    const appendTasks = [
      { description: "Append x", filesOwned: ["f.txt"] },
      { description: "Append y", filesOwned: ["f.txt"] },
    ];
    const m = createMemoryModel();
    m.answer((_req, prompt) => {
      const current = /### f\.txt \(\d+ lines?\)\n```\w*\n([\s\S]*?)```/.exec(prompt)?.[1] ?? "";
      const line = prompt.includes("## Task\nAppend x") ? "x\n" : "y\n";
      return memoryReply.text(diffReply(unifiedDiff("f.txt", current, current + line)));
    });
    await using first = await runBatchLoop({ tasks: appendTasks, files: { "f.txt": "start\n" }, model: m });
    expect(first.run!.result.tasks.map((t) => t.status)).toEqual(["complete", "complete"]);
    const plan = await planResume([...appendTasks, appendTasks[0]!], first.run!.result, first.ws.dir);
    expect([...plan.keys()]).toEqual([0, 1]);
  });

  test("a dry run's results keep nothing, so nothing is skipped", async () => {
    await using first = await runBatchLoop({ tasks, model: model(), git: { dryRun: true } });
    const dry: ResultFile = first.run!.result;
    expect(dry.dryRun).toBe(true);
    expect((await planResume(tasks, dry, first.ws.dir)).size).toBe(0);
  });

  test("a result file that is missing, not JSON, or not a result is refused with exit 2 and the path", async () => {
    await using first = await runBatchLoop({ tasks: [tasks[0]!], model: model() });
    const file = path.join(first.ws.dir, "r.json");
    await expect(readResultFile(file)).rejects.toThrow(`cannot read the result file ${file} (--resume): no such file`);
    await writeFile(file, "{ nope");
    await expect(readResultFile(file)).rejects.toThrow("is not valid JSON");
    await writeFile(file, JSON.stringify({ ...first.run!.result, version: 2 }));
    await expect(readResultFile(file)).rejects.toThrow(`${file}: version:`);
    await writeFile(file, JSON.stringify(first.run!.result));
    expect((await readResultFile(file)).runId).toBe(first.run!.result.runId);
  });

  test("taskHash covers the description, the files and the verify list", () => {
    const t = { description: "d", filesOwned: ["a"] };
    expect(taskHash(t)).toBe(taskHash({ ...t }));
    expect(new Set([taskHash(t), taskHash({ ...t, description: "e" }), taskHash({ ...t, filesOwned: ["b"] }), taskHash({ ...t, verify: ["test"] })]).size).toBe(4);
  });
});
