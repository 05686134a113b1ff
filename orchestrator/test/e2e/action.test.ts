// The GitHub Action's step script, run locally with the same inputs the action passes.
import { expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ResultFileSchema } from "../../src/run/results.ts";
import { ORCHESTRATOR_DIR } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../testing/workspace.ts";

const REPO = path.resolve(ORCHESTRATOR_DIR, "..");

test("action.yml passes its inputs to action/run.sh and exposes status and result-file", async () => {
  const action = Bun.YAML.parse(await readFile(path.join(REPO, "action.yml"), "utf8")) as any;
  expect(Object.keys(action.outputs)).toEqual(["status", "result-file"]);
  const run = action.runs.steps.find((s: any) => s.id === "run");
  expect(run.run).toContain("action/run.sh");
  // The key reaches the script only through env, never on a command line.
  expect(run.env.LITELLM_API_KEY).toBe("${{ inputs.litellm-api-key }}");
  expect(JSON.stringify(action.runs.steps)).not.toMatch(/run:.*litellm-api-key/);
});

test("action/run.sh runs a task, writes the outputs and never prints the key", async () => {
  await using server = await startModelServer({ apiKey: "s3cret-key-value" });
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("hello.txt", null, "hi\n"))));
  const temp = await mkdtemp(path.join(os.tmpdir(), "smol-action-"));
  try {
    const outputFile = path.join(temp, "github-output");
    const proc = Bun.spawn(["bash", path.join(REPO, "action", "run.sh")], {
      cwd: ws.dir,
      env: {
        ...process.env,
        INPUT_TASK: JSON.stringify({ description: "create hello.txt", filesOwned: ["hello.txt"] }),
        INPUT_WORKSPACE: ".",
        INPUT_DRY_RUN: "false",
        LITELLM_URL: server.url,
        LITELLM_API_KEY: "s3cret-key-value",
        NODE_ENV: "production",
        GITHUB_ACTIONS: "true",
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: temp,
        SMOL_LOG_DIR: path.join(temp, "logs"),
        SMOL_STATE_DIR: path.join(temp, "state"),
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(0);
    const outputs = Object.fromEntries(
      (await readFile(outputFile, "utf8")).trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(outputs.status).toBe("complete");
    const doc = ResultFileSchema.parse(JSON.parse(await readFile(outputs["result-file"]!, "utf8")));
    expect(doc.tasks[0]!.filesChanged).toEqual(["hello.txt"]);
    expect(await ws.read("hello.txt")).toBe("hi\n");
    // The only place the key may appear is GitHub's mask command, which hides it everywhere else.
    const everything = (stdout + stderr).replace("::add-mask::s3cret-key-value", "");
    expect(stdout).toContain("::add-mask::s3cret-key-value");
    expect(everything).not.toContain("s3cret-key-value");
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}, 30_000);
