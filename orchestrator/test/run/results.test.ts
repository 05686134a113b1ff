// What a run leaves for machines and people: the result file, the CI step summary, --dry-run,
// --keep-failed and config errors, through the real CLI.
import { describe, expect, test } from "bun:test";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { resultFileProblem, ResultFileSchema } from "../../src/run/results.ts";
import { renderStepSummary } from "../../src/run/summary.ts";
import { immutable } from "../../testing/fs-faults.ts";
import { runCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../testing/workspace.ts";

const tasks = [
  { description: "create a.txt", filesOwned: ["a.txt"] },
  { description: "change keep.txt", filesOwned: ["keep.txt"] },
];

function script(server: Awaited<ReturnType<typeof startModelServer>>) {
  server.onRequest((req) => {
    const prompt = req.messages.at(-1)!.content;
    if (prompt.includes("create a.txt")) return reply.text(diffReply(unifiedDiff("a.txt", null, "A\n"))).usage(100, 20);
    return reply.text(diffReply(unifiedDiff("keep.txt", "kept\n", "changed\n"))).usage(50, 5);
  });
}

describe("--result-file and GITHUB_STEP_SUMMARY", () => {
  test("the result file validates against its schema and carries each task's outcome and the totals", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", files: { "keep.txt": "kept\n", "notes.md": "notes\n" }, scripts: PASSING_CHECK });
    script(server);
    const resultFile = path.join(ws.dir, "out", "result.json");
    const summary = path.join(ws.dir, "summary.md");
    const r = await runCli({
      args: ["--workspace", ws.dir, "--result-file", resultFile],
      stdin: JSON.stringify([tasks[0], { ...tasks[1], filesRead: ["notes.md"] }]),
      env: { LITELLM_URL: server.url, GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.exitCode).toBe(0);
    const doc = ResultFileSchema.parse(JSON.parse(await readFile(resultFile, "utf8")));
    expect(doc.tasks.map((t) => [t.description, t.status, t.attempts, t.finalTier, t.filesChanged])).toEqual([
      ["create a.txt", "complete", 1, "fast", ["a.txt"]],
      ["change keep.txt", "complete", 1, "fast", ["keep.txt"]],
    ]);
    expect(doc.tasks.map((t) => t.filesRead)).toEqual([[], ["notes.md"]]);
    expect(doc.tasks[0]!.diff).toContain("+A");
    expect(doc.tasks[0]!.tokensByTier.fast).toEqual({ prompt: 100, completion: 20, total: 120 });
    expect(doc.totals).toMatchObject({ tasks: 2, complete: 2, aborted: 0, attempts: 2, tokens: { total: 175 } });
    const md = await readFile(summary, "utf8");
    expect(md).toContain("### smol-coder: 2 of 2 tasks complete");
    expect(md).toContain("| create a.txt | complete | 1 | fast | 120 | a.txt |");
  });

  test("no step summary without the env var", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", files: { "keep.txt": "kept\n" }, scripts: PASSING_CHECK });
    script(server);
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(tasks[0]), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(0);
    expect(await ws.read("summary.md")).toBeNull();
  });
});

describe("--dry-run and --keep-failed", () => {
  test("--dry-run runs the loop, leaves the workspace byte-identical and prints the diff", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", files: { "keep.txt": "kept\n" }, scripts: { typecheck: "grep -q changed keep.txt" } });
    script(server);
    const before = await ws.snapshot();
    const r = await runCli({ args: ["--workspace", ws.dir, "--dry-run"], stdin: JSON.stringify(tasks[1]), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(0);
    expect(r.events.some((e) => e.event === "verification_pass")).toBe(true); // it really verified the change
    expect(r.stderr).toContain("-kept\n+changed");
    expect(await ws.snapshot()).toEqual(before);
  });

  test("--keep-failed leaves the last attempt in place on abort", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({
      template: "empty",
      files: { "keep.txt": "kept\n", "smol-coder.config.json": JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } }) },
      scripts: { typecheck: "echo 'keep.txt(1,1): error TS1000: never good enough'; exit 1" },
    });
    script(server);
    const r = await runCli({ args: ["--workspace", ws.dir, "--keep-failed"], stdin: JSON.stringify(tasks[1]), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(1);
    expect(await ws.read("keep.txt")).toBe("changed\n");
  });
});

describe("config file", () => {
  test("a bad value is refused with exit 2, naming the file and the value's path", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({
      template: "empty",
      files: { "smol-coder.config.json": JSON.stringify({ tiers: { fast: { concurrency: 0 } } }) },
    });
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(tasks[0]), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("smol-coder.config.json: tiers.fast.concurrency:");
    expect(server.requests).toHaveLength(0);
  });

  test("--config PATH is used, and a model name from it reaches the server", async () => {
    await using server = await startModelServer({ models: ["qwen2.5-coder:7b-instruct", "deep-coder", "reviewer"] });
    await using ws = await createWorkspace({ template: "empty", files: { "cfg.json": JSON.stringify({ tiers: { fast: { model: "qwen2.5-coder:7b-instruct", temperature: 0.5 } } }) }, scripts: PASSING_CHECK });
    server.enqueue("*", reply.text(diffReply(unifiedDiff("a.txt", null, "A\n"))));
    const r = await runCli({ args: ["--workspace", ws.dir, "--config", path.join(ws.dir, "cfg.json")], stdin: JSON.stringify(tasks[0]), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(0);
    expect(server.requests[0]!.model).toBe("qwen2.5-coder:7b-instruct");
    expect(server.requests[0]!.body.temperature).toBe(0.5);
  });
});

test("renderStepSummary escapes pipes in descriptions", () => {
  const t = { prompt: 0, completion: 0, total: 0 };
  const md = renderStepSummary({
    version: 1,
    runId: "r",
    workspace: "/w",
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(0).toISOString(),
    dryRun: false,
    baseCommit: null,
    branch: null,
    tasks: [
      {
        taskId: "t",
        description: "a | b",
        filesOwned: ["x"],
        filesRead: [],
        status: "aborted",
        verified: true,
        dryRun: false,
        keptFailed: false,
        attempts: 5,
        attemptsByTier: { fast: 2, deep: 2, reviewer: 1 },
        finalTier: "reviewer",
        filesChanged: [],
        diff: null,
        tokens: t,
        tokensByTier: { fast: t, deep: t, reviewer: t },
        durationMs: 1,
        message: "x",
        commit: null,
        fingerprint: { task: "t", files: { x: null } },
      },
    ],
    totals: { tasks: 1, complete: 0, unverified: 0, skipped: 0, aborted: 1, failed: 0, attempts: 5, attemptsByTier: { fast: 2, deep: 2, reviewer: 1 }, tokens: t, tokensByTier: { fast: t, deep: t, reviewer: t }, wallMs: 1 },
  });
  expect(md).toContain("| a \\| b | aborted | 5 | reviewer | 0 | - |");
});

test("a task can name its own verify scripts, e.g. to add test", async () => {
  await using server = await startModelServer();
  await using ws = await createWorkspace({
    template: "empty",
    files: { "keep.txt": "kept\n" },
    scripts: { typecheck: "true", test: "grep -q changed keep.txt && touch tested.flag" },
  });
  script(server);
  const task = { ...tasks[1], verify: ["typecheck", "test"] };
  const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { LITELLM_URL: server.url } });
  expect(r.exitCode).toBe(0);
  expect(r.events.find((e) => e.event === "verification_start")).toMatchObject({ checks: ["typecheck", "test"] });
  expect(await ws.read("tested.flag")).toBe("");
});

describe("resultFileProblem: --result-file is checked before the run", () => {
  test("a folder, a path under a file, and an immutable folder are refused; a new file in a new folder is fine", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "plain.txt": "x\n" } });
    await mkdir(path.join(ws.dir, "locked"));
    using _locked = immutable(path.join(ws.dir, "locked"));
    expect(await resultFileProblem(ws.dir)).toStartWith(`--result-file ${ws.dir} is a folder`);
    expect(await resultFileProblem(path.join(ws.dir, "plain.txt/r.json"))).toContain("is not a folder");
    expect(await resultFileProblem(path.join(ws.dir, "locked/r.json"))).toContain("cannot be written (EPERM");
    expect(await resultFileProblem(path.join(ws.dir, "out/deeper/r.json"))).toBeNull();
  });
});
