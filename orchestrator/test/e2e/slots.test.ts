// Limits across processes and tasks sharing a workspace, with real CLI processes.
import { describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli, startCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../testing/workspace.ts";

async function tempStateDir(): Promise<AsyncDisposable & { dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smol-state-"));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

describe("tier limits across processes", () => {
  test("12 processes started at once never have more than 4 fast requests in flight", async () => {
    await using server = await startModelServer();
    await using state = await tempStateDir();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    // Each reply is held until 4 requests are in flight: 12 tasks make exactly three full rounds,
    // so the limit is reached every round, and a broken limit would show as more than 4.
    server.onRequest((req) => {
      const file = /create (\S+)/.exec(req.messages.at(-1)!.content)![1]!;
      const full = server.waitFor(() => server.inFlight("fast-coder") >= 4, { timeoutMs: 30_000 });
      return reply.text(diffReply(unifiedDiff(file, null, `${file}\n`))).waitFor(full);
    });
    const runs = Array.from({ length: 12 }, (_, i) =>
      runCli({
        args: ["--workspace", ws.dir],
        stdin: JSON.stringify({ description: `create f${i}.txt`, filesOwned: [`f${i}.txt`] }),
        env: { LITELLM_URL: server.url, SMOL_STATE_DIR: state.dir },
      }),
    );
    const results = await Promise.all(runs);
    expect(results.map((r) => r.exitCode)).toEqual(Array(12).fill(0));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight("fast-coder")).toBeLessThanOrEqual(4);
    // And the limit was really reached: the processes did run side by side.
    expect(server.maxInFlight("fast-coder")).toBe(4);
    // slot_wait is logged again when a task's place in the queue changes; slot_acquired once.
    const waited = results.filter((r) => r.events.some((e) => e.event === "slot_wait"));
    expect(waited.length).toBeGreaterThan(0);
    for (const r of waited) expect(r.events.filter((e) => e.event === "slot_acquired")).toHaveLength(1);
    expect(results.filter((r) => r.events.some((e) => e.event === "slot_acquired"))).toHaveLength(waited.length);
    for (let i = 0; i < 12; i++) expect(await ws.read(`f${i}.txt`)).toBe(`f${i}.txt\n`);
  }, 60_000);

  test("a process killed with SIGKILL while holding the only slot does not block the next task", async () => {
    await using server = await startModelServer();
    await using state = await tempStateDir();
    await using ws = await createWorkspace({
      template: "empty",
      files: { "smol-coder.config.json": JSON.stringify({ tiers: { fast: { concurrency: 1 } } }) },
      scripts: PASSING_CHECK,
    });
    server.enqueue("fast-coder", reply.hang(), reply.text(diffReply(unifiedDiff("b.txt", null, "b\n"))));
    const env = { LITELLM_URL: server.url, SMOL_STATE_DIR: state.dir };
    const holder = startCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description: "a", filesOwned: ["a.txt"] }), env });
    await holder.waitForEvent("model_call_start");
    await server.waitForRequests(1);
    const next = startCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description: "b", filesOwned: ["b.txt"] }), env });
    await next.waitForEvent("slot_wait");
    holder.proc.kill("SIGKILL");
    await holder.done;
    const r = await next.done;
    expect(r.exitCode).toBe(0);
    const acquired = r.events.find((e) => e.event === "slot_acquired")!;
    expect(acquired.waitedMs as number).toBeLessThan(60_000); // well inside the lease expiry
    expect(await ws.read("b.txt")).toBe("b\n");
  }, 60_000);
});

describe("one workspace, many tasks", () => {
  test("6 processes on one workspace: 5 good tasks land, the bad one aborts, the workspace holds exactly the 5 files", async () => {
    await using server = await startModelServer();
    await using state = await tempStateDir();
    // A real TypeScript project; only typecheck runs, to keep the test quick.
    await using ws = await createWorkspace({
      template: "react-ts",
      scripts: { lint: "true", build: "true" },
      files: { "smol-coder.config.json": JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } }) },
    });
    const before = await ws.snapshot();
    const good = (n: number) => `export const value${n}: number = ${n}\n`;
    const bad = "export const broken: number = 'not a number'\n";
    server.onRequest((req) => {
      const file = /create (\S+)/.exec(req.messages.at(-1)!.content)![1]!;
      const n = Number(/u(\d)/.exec(file)![1]);
      return reply.text(diffReply(unifiedDiff(file, null, n === 3 ? bad : good(n)))).delay(100);
    });
    const runs = Array.from({ length: 6 }, (_, n) =>
      runCli({
        args: ["--workspace", ws.dir],
        stdin: JSON.stringify({ description: `create src/u${n}.ts`, filesOwned: [`src/u${n}.ts`] }),
        env: { LITELLM_URL: server.url, SMOL_STATE_DIR: state.dir },
      }),
    );
    const results = await Promise.all(runs);
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 1, 0, 0]);
    // No good task was blamed for the bad one's error.
    for (const [n, r] of results.entries()) {
      if (n === 3) continue;
      expect(r.events.filter((e) => e.event === "verification_fail")).toHaveLength(0);
    }
    const after = await ws.snapshot();
    const added = [...after.keys()].filter((k) => !before.has(k)).sort();
    expect(added).toEqual(["src/u0.ts", "src/u1.ts", "src/u2.ts", "src/u4.ts", "src/u5.ts"]);
    for (const [k, v] of before) expect(after.get(k)).toBe(v);
  }, 120_000);
});

describe("batch", () => {
  test("one process runs a JSON array of tasks; each keeps its taskId; the summary counts them", async () => {
    await using server = await startModelServer();
    await using state = await tempStateDir();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    server.onRequest((req) => {
      const file = /create (\S+)/.exec(req.messages.at(-1)!.content)?.[1];
      return file ? reply.text(diffReply(unifiedDiff(file, null, "ok\n"))).usage(100, 10) : reply.text("no idea").usage(50, 5);
    });
    const tasks = [
      { description: "create a.txt", filesOwned: ["a.txt"] },
      { description: "create b.txt", filesOwned: ["b.txt"] },
      { description: "make something up", filesOwned: ["c.txt"] },
    ];
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(tasks), env: { LITELLM_URL: server.url, SMOL_STATE_DIR: state.dir } });
    expect(r.exitCode).toBe(1); // not every task completed
    const created = r.events.filter((e) => e.event === "task_created");
    expect(created.map((e) => (e.files as string[])[0]).sort()).toEqual(["a.txt", "b.txt", "c.txt"]);
    const ids = new Set(created.map((e) => e.taskId));
    expect(ids.size).toBe(3);
    for (const id of ids) {
      const own = r.events.filter((e) => e.taskId === id).map((e) => e.event);
      expect(own[0]).toBe("tier_selected");
      expect(["task_complete", "task_abort"]).toContain(own.at(-1) as string);
    }
    expect(r.events.at(-1)).toMatchObject({
      event: "run_summary",
      tasks: 3,
      done: 2,
      aborted: 1,
      attempts: 7,
      attemptsByTier: { fast: 4, deep: 2, reviewer: 1 },
      tokens: { prompt: 700, completion: 70, total: 770 },
    });
    expect(await ws.read("c.txt")).toBeNull();
  }, 60_000);

  test("JSON lines work too, and an invalid task anywhere refuses the whole batch with exit 2", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    const lines = [JSON.stringify({ description: "a", filesOwned: ["a.txt"] }), JSON.stringify({ description: "b", filesOwned: ["/abs"] })].join("\n");
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: lines, env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("task 2");
    expect(server.requests).toHaveLength(0);
  });
});
