// The GitHub Action's step script, run locally with the same inputs the action passes. The push
// goes to a real bare repository; the pull request call goes to a gh stand-in that records it.
import { describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ResultFileSchema } from "../../src/run/results.ts";
import { renderPullRequestBody } from "../../src/run/summary.ts";
import { ORCHESTRATOR_DIR } from "../../testing/cli.ts";
import { installGhStandIn } from "../../testing/gh-stand-in.ts";
import { git } from "../../testing/git.ts";
import { reply, startModelServer, type ModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK, type TempWorkspace } from "../../testing/workspace.ts";

const REPO = path.resolve(ORCHESTRATOR_DIR, "..");

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

async function runAction(ws: TempWorkspace, temp: string, env: Record<string, string>): Promise<ActionRun> {
  const outputFile = path.join(temp, `github-output-${Math.random().toString(16).slice(2)}`);
  const proc = Bun.spawn(["bash", path.join(REPO, "action", "run.sh")], {
    cwd: ws.dir,
    env: {
      ...process.env,
      INPUT_WORKSPACE: ".",
      INPUT_DRY_RUN: "false",
      NODE_ENV: "production",
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: temp,
      SMOL_LOG_DIR: path.join(temp, "logs"),
      SMOL_STATE_DIR: path.join(temp, "state"),
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  // A run refused before smol-coder starts writes no outputs.
  const written = await readFile(outputFile, "utf8").catch(() => "");
  const outputs = Object.fromEntries(written.trim().split("\n").filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { code, stdout, stderr, outputs };
}

async function withTemp<T>(fn: (temp: string) => Promise<T>): Promise<T> {
  const temp = await mkdtemp(path.join(os.tmpdir(), "smol-action-"));
  try {
    return await fn(temp);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

test("action.yml passes its inputs to action/run.sh and exposes its outputs", async () => {
  const action = Bun.YAML.parse(await readFile(path.join(REPO, "action.yml"), "utf8")) as any;
  expect(Object.keys(action.outputs)).toEqual(["status", "result-file", "branch", "pull-request"]);
  expect(action.inputs["commit"].default).toBe("false");
  expect(action.inputs["pull-request"].default).toBe("false");
  const run = action.runs.steps.find((s: any) => s.id === "run");
  expect(run.run).toContain("action/run.sh");
  for (const [input, env] of [["commit", "INPUT_COMMIT"], ["pull-request", "INPUT_PULL_REQUEST"], ["branch", "INPUT_BRANCH"], ["base", "INPUT_BASE"]]) {
    expect(run.env[env!]).toBe(`\${{ inputs.${input} }}`);
  }
  for (const output of Object.keys(action.outputs)) expect(action.outputs[output].value).toBe(`\${{ steps.run.outputs.${output} }}`);
  // The keys reach the script only through env, never on a command line.
  expect(run.env.LITELLM_API_KEY).toBe("${{ inputs.litellm-api-key }}");
  expect(run.env.GH_TOKEN).toBe("${{ inputs.github-token }}");
  expect(JSON.stringify(action.runs.steps)).not.toMatch(/run:.*(litellm-api-key|github-token)/);
  const example = Bun.YAML.parse(await readFile(path.join(REPO, ".github/workflows/smol-coder-example.yml"), "utf8")) as any;
  expect(example.permissions).toEqual({ contents: "write", "pull-requests": "write" });
  expect(example.jobs.run.steps.find((s: any) => s.id === "smol").with).toMatchObject({ commit: true, "pull-request": true });
});

test("action/run.sh runs a task, writes the outputs and never prints the key", async () => {
  await using server = await startModelServer({ apiKey: "s3cret-key-value" });
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("hello.txt", null, "hi\n"))));
  await withTemp(async (temp) => {
    const r = await runAction(ws, temp, {
      INPUT_TASK: JSON.stringify({ description: "create hello.txt", filesOwned: ["hello.txt"] }),
      LITELLM_URL: server.url,
      LITELLM_API_KEY: "s3cret-key-value",
    });
    expect(r.code).toBe(0);
    expect(r.outputs.status).toBe("complete");
    expect(r.outputs["pull-request"]).toBe("");
    const doc = ResultFileSchema.parse(JSON.parse(await readFile(r.outputs["result-file"]!, "utf8")));
    expect(doc.tasks[0]!.filesChanged).toEqual(["hello.txt"]);
    expect(await ws.read("hello.txt")).toBe("hi\n");
    // The only place the key may appear is GitHub's mask command, which hides it everywhere else.
    const everything = (r.stdout + r.stderr).replace("::add-mask::s3cret-key-value", "");
    expect(r.stdout).toContain("::add-mask::s3cret-key-value");
    expect(everything).not.toContain("s3cret-key-value");
  });
}, 30_000);

describe("commit: true, pull-request: true", () => {
  function answerByTask(server: ModelServer): void {
    server.onRequest((req) => {
      const name = /## Task\nCreate (\w+)\.txt/.exec(req.messages.at(-1)!.content)?.[1];
      if (!name || name === "never") return reply.text("I cannot do that.");
      return reply.text(diffReply(unifiedDiff(`${name}.txt`, null, `${name}\n`))).usage(40, 4);
    });
  }

  /** The model server answering by task, a one-attempt repository, and the gh stand-in; all closed together. */
  async function openRig() {
    const server = await startModelServer();
    answerByTask(server);
    const ws = await oneAttemptRepo();
    const gh = await installGhStandIn();
    return {
      server,
      ws,
      gh,
      async [Symbol.asyncDispose]() {
        await gh[Symbol.asyncDispose]();
        await ws[Symbol.asyncDispose]();
        await server[Symbol.asyncDispose]();
      },
    };
  }

  /** A git workspace whose check always passes, where each task gets a single attempt. */
  function oneAttemptRepo() {
    return createWorkspace({
      template: "empty",
      scripts: PASSING_CHECK,
      files: { "smol-coder.config.json": JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } }) },
      git: true,
    });
  }

  test("the branch reaches the remote, one pull request is opened with the result table, and a rerun updates it", async () => {
    await using rig = await openRig();
    const { server, ws, gh } = rig;
    await withTemp(async (temp) => {
      // The runner's checkout: a clone of the remote, without a git identity of its own.
      const { remote, env: runner } = await withRemote(ws, temp, gh, server);
      const main = git(ws.dir, "rev-parse", "main").trim();
      const env = { ...runner, INPUT_COMMIT: "true", INPUT_PULL_REQUEST: "true", GITHUB_RUN_ID: "4242", GITHUB_REF_NAME: "main", GH_TOKEN: "gh-token-for-the-test" };
      const tasks = [
        { description: "Create a.txt", filesOwned: ["a.txt"] },
        { description: "Create never.txt", filesOwned: ["never.txt"] },
        { description: "Create b.txt", filesOwned: ["b.txt"] },
      ];

      const first = await runAction(ws, temp, { ...env, INPUT_TASK: JSON.stringify(tasks) });
      expect(first.code).toBe(1); // one task aborted; the other two are still pushed and reviewed
      expect(first.outputs).toMatchObject({ status: "mixed", branch: "smol-coder/run-4242", "pull-request": "https://github.com/acme/app/pull/7" });
      const branch = "smol-coder/run-4242";
      const pushed = git(remote, "log", "--format=%an <%ae>|%s", `${main}..${branch}`).trim().split("\n");
      expect(pushed.map((l) => l.split("|")[1]).sort()).toEqual(["Create a.txt", "Create b.txt"]);
      expect(new Set(pushed.map((l) => l.split("|")[0]))).toEqual(new Set(["github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"]));
      expect(git(remote, "rev-parse", "main").trim()).toBe(main);
      // The user's checkout stays on main, untouched.
      expect(git(ws.dir, "symbolic-ref", "--short", "HEAD").trim()).toBe("main");
      expect(await ws.read("a.txt")).toBeNull();

      const result = ResultFileSchema.parse(JSON.parse(await readFile(first.outputs["result-file"]!, "utf8")));
      const calls = await gh.calls();
      expect(calls.map((c) => c.argv)).toEqual([
        ["pr", "list", "--head", branch, "--base", "main", "--state", "open", "--json", "number,url"],
        ["pr", "create", "--head", branch, "--base", "main", "--title", "smol-coder: 3 tasks", "--body-file", "-"],
      ]);
      expect(calls[1]!.stdin).toBe(renderPullRequestBody(result));
      for (const t of result.tasks.filter((t) => t.commit)) expect(calls[1]!.stdin).toContain(`| ${t.commit!.sha.slice(0, 12)} |`);
      expect(calls[1]!.stdin).toContain("| Create never.txt | aborted | fast | 1 |");
      expect(calls[1]!.stdin).toContain(`Base commit: ${main}.`);

      // A rerun from a fresh checkout (the branch only on the remote), with the pull request open.
      git(ws.dir, "branch", "-D", branch);
      const again = await runAction(ws, temp, {
        ...env,
        GH_STAND_IN_LIST: JSON.stringify([{ number: 7, url: "https://github.com/acme/app/pull/7" }]),
        INPUT_TASK: JSON.stringify([{ description: "Create c.txt", filesOwned: ["c.txt"] }]),
      });
      expect(again.code).toBe(0);
      expect(again.outputs["pull-request"]).toBe("https://github.com/acme/app/pull/7");
      // The earlier commits are still there under the new one: the push only added to history.
      expect(git(remote, "log", "--format=%s", `${main}..${branch}`).trim().split("\n")[0]).toBe("Create c.txt");
      expect(Number(git(remote, "rev-list", "--count", `${main}..${branch}`).trim())).toBe(3);
      const second = ResultFileSchema.parse(JSON.parse(await readFile(again.outputs["result-file"]!, "utf8")));
      const edits = (await gh.calls()).slice(2);
      expect(edits.map((c) => c.argv)).toEqual([
        ["pr", "list", "--head", branch, "--base", "main", "--state", "open", "--json", "number,url"],
        ["pr", "edit", "7", "--body-file", "-"],
      ]);
      expect(edits[1]!.stdin).toBe(renderPullRequestBody(second));
    });
  }, 90_000);

  /** A bare remote with the workspace's main pushed, and the runner's env (no git identity). */
  async function withRemote(ws: TempWorkspace, temp: string, gh: { env: Record<string, string>; bin: string }, server: ModelServer) {
    const remote = path.join(temp, "remote.git");
    git(temp, "init", "--bare", "-q", remote);
    git(ws.dir, "remote", "add", "origin", remote);
    git(ws.dir, "push", "-q", "origin", "main");
    git(ws.dir, "config", "--unset", "user.name");
    git(ws.dir, "config", "--unset", "user.email");
    const env = { ...gh.env, PATH: `${gh.bin}:${process.env.PATH}`, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GH_TOKEN: "t", LITELLM_URL: server.url };
    return { remote, env };
  }

  test("a pull_request event's merge commit is refused: the new pull request would carry the contributor's commits", async () => {
    await using rig = await openRig();
    const { server, ws, gh } = rig;
    await withTemp(async (temp) => {
      const { remote, env } = await withRemote(ws, temp, gh, server);
      // What actions/checkout gives on pull_request: a detached HEAD at main merged with the contributor's branch.
      git(ws.dir, "checkout", "-q", "-b", "contrib");
      await ws.write("theirs.txt", "the contributor's change\n");
      git(ws.dir, "add", "theirs.txt");
      git(ws.dir, "-c", "user.email=c@x", "-c", "user.name=C", "commit", "-q", "-m", "contributor's commit");
      git(ws.dir, "checkout", "-q", "main");
      git(ws.dir, "-c", "user.email=c@x", "-c", "user.name=C", "merge", "-q", "--no-ff", "-m", "Merge contrib into main", "contrib");
      git(ws.dir, "checkout", "-q", "--detach", "HEAD");
      git(ws.dir, "-c", "user.email=c@x", "-c", "user.name=C", "branch", "-q", "-f", "main", "HEAD~1");
      const r = await runAction(ws, temp, { ...env, INPUT_PULL_REQUEST: "true", GITHUB_BASE_REF: "main", GITHUB_HEAD_REF: "contrib", INPUT_TASK: JSON.stringify({ description: "Create a.txt", filesOwned: ["a.txt"] }) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("HEAD is the merge commit of a pull_request event");
      expect(server.requests).toHaveLength(0);
      expect(await gh.calls()).toEqual([]);
      expect(git(remote, "branch", "--list").trim()).toBe("main");
    });
  }, 60_000);

  test("a rerun in a checkout whose copy of the branch is older than the remote's adds on top of the remote's", async () => {
    await using rig = await openRig();
    const { server, ws, gh } = rig;
    await withTemp(async (temp) => {
      const { remote, env } = await withRemote(ws, temp, gh, server);
      const branch = "smol/pr";
      const first = await runAction(ws, temp, { ...env, INPUT_PULL_REQUEST: "true", INPUT_BRANCH: branch, INPUT_BASE: "main", INPUT_TASK: JSON.stringify({ description: "Create a.txt", filesOwned: ["a.txt"] }) });
      expect(first.code).toBe(0);
      // Someone pushes a fixup to the branch; this checkout still has the older copy.
      const other = path.join(temp, "other");
      git(temp, "clone", "-q", "--branch", branch, remote, other);
      await Bun.write(path.join(other, "fixup.txt"), "fixup\n");
      git(other, "add", "fixup.txt");
      git(other, "-c", "user.email=o@x", "-c", "user.name=O", "commit", "-q", "-m", "a reviewer's fixup");
      git(other, "push", "-q", "origin", branch);
      const again = await runAction(ws, temp, {
        ...env,
        INPUT_PULL_REQUEST: "true",
        INPUT_BRANCH: branch,
        INPUT_BASE: "main",
        GH_STAND_IN_LIST: JSON.stringify([{ number: 7, url: "https://github.com/acme/app/pull/7" }]),
        INPUT_TASK: JSON.stringify({ description: "Create b.txt", filesOwned: ["b.txt"] }),
      });
      expect(again.stderr).not.toContain("could not push");
      expect(again.code).toBe(0);
      expect(git(remote, "log", "--format=%s", `main..${branch}`).trim().split("\n")).toEqual(["Create b.txt", "a reviewer's fixup", "Create a.txt"]);
    });
  }, 90_000);

  test("the branch input alone commits as the Actions bot on a runner without a git identity", async () => {
    await using rig = await openRig();
    const { server, ws, gh } = rig;
    await withTemp(async (temp) => {
      const { env } = await withRemote(ws, temp, gh, server);
      const r = await runAction(ws, temp, { ...env, INPUT_BRANCH: "smol/x", INPUT_COMMIT: "false", INPUT_TASK: JSON.stringify({ description: "Create a.txt", filesOwned: ["a.txt"] }) });
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      expect(git(ws.dir, "log", "-1", "--format=%an|%s", "smol/x").trim()).toBe("github-actions[bot]|Create a.txt");
    });
  }, 60_000);

  test("when no task is committed there is no push and no pull request", async () => {
    await using rig = await openRig();
    const { server, ws, gh } = rig;
    await withTemp(async (temp) => {
      const remote = path.join(temp, "remote.git");
      git(temp, "init", "--bare", "-q", remote);
      git(ws.dir, "remote", "add", "origin", remote);
      const r = await runAction(ws, temp, {
        ...gh.env,
        PATH: `${gh.bin}:${process.env.PATH}`,
        INPUT_PULL_REQUEST: "true",
        INPUT_BRANCH: "smol/none",
        INPUT_BASE: "main",
        GH_TOKEN: "t",
        LITELLM_URL: server.url,
        INPUT_TASK: JSON.stringify({ description: "Create never.txt", filesOwned: ["never.txt"] }),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("no task was committed, so there is no pull request");
      expect(r.outputs["pull-request"]).toBe("");
      expect(await gh.calls()).toEqual([]);
      expect(git(remote, "branch", "--list").trim()).toBe("");
    });
  }, 60_000);
});
