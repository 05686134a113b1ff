// "Complete" must mean checked: through the real CLI, a task that nothing would verify is
// refused before any model call, and one the user runs with --no-checks says "unverified"
// everywhere it is reported.
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ResultFileSchema } from "../../src/run/results.ts";
import { runCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const task = { description: "create notes.txt", filesOwned: ["notes.txt"] };

describe("refused with exit 2 before any model call", () => {
  test("a workspace without any of the verify scripts", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty" });
    const before = await ws.snapshot();
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("nothing would verify the edits");
    expect(r.stderr).toContain("--no-checks");
    expect(server.requests).toHaveLength(0);
    expect(await ws.snapshot()).toEqual(before);
  });

  test("a task whose own verify list names a missing script", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ ...task, verify: ["test"] }), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('asks to be verified by "test"');
    expect(server.requests).toHaveLength(0);
  });

  test("a task with a misspelt key", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ ...task, verfy: ["typecheck"] }), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("verfy");
    expect(server.requests).toHaveLength(0);
  });
});

test("--no-checks: the task completes, and the events, result file and step summary say unverified", async () => {
  await using server = await startModelServer();
  await using ws = await createWorkspace({ template: "empty" });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
  const resultFile = path.join(ws.dir, "..", `${path.basename(ws.dir)}-result.json`);
  const summary = path.join(ws.dir, "..", `${path.basename(ws.dir)}-summary.md`);
  const r = await runCli({
    args: ["--workspace", ws.dir, "--no-checks", "--result-file", resultFile],
    stdin: JSON.stringify(task),
    env: { LITELLM_URL: server.url, GITHUB_STEP_SUMMARY: summary },
  });
  expect(r.exitCode).toBe(0);
  expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ verified: false });
  expect(r.events.find((e) => e.event === "run_summary")).toMatchObject({ done: 1, unverified: 1 });
  // Nothing ran, and the events show it.
  expect(r.events.find((e) => e.event === "verification_start")).toMatchObject({ checks: [] });
  const doc = ResultFileSchema.parse(JSON.parse(await readFile(resultFile, "utf8")));
  expect(doc.tasks[0]).toMatchObject({ status: "complete", verified: false });
  expect(doc.totals).toMatchObject({ complete: 1, unverified: 1 });
  const md = await readFile(summary, "utf8");
  expect(md).toContain("1 of 1 task complete (1 unverified)");
  expect(md).toContain("| complete (unverified) |");
  expect(await ws.read("notes.txt")).toBe("hi\n");
});
