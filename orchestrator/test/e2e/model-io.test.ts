// Model I/O problems seen from the CLI: the exit code and message a user gets.
import { describe, expect, test } from "bun:test";
import { runCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../testing/workspace.ts";

const task = JSON.stringify({ description: "create notes.txt", filesOwned: ["notes.txt"] });
const good = reply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n")));

describe("exit 3 for a proxy that cannot serve us", () => {
  test("a key other than the master key (LiteLLM without a database: 400): the message is about LITELLM_API_KEY", async () => {
    await using server = await startModelServer({ apiKey: "the-real-key" });
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url, LITELLM_API_KEY: "wrong" } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain("LITELLM_API_KEY");
    expect(r.stderr).not.toContain("wrong");
    expect(server.requests).toHaveLength(1); // not retried
  });

  test("an unknown model: the message names it and the config file to fix", async () => {
    await using server = await startModelServer({ models: ["deep-coder", "reviewer"] });
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('"fast-coder"');
    expect(r.stderr).toContain("litellm/config.yaml");
  });
});

describe("context budget", () => {
  test("a prompt no tier's window holds is refused with exit 2 before any call, with the numbers and how to raise a window", async () => {
    await using server = await startModelServer();
    const small = { contextWindow: 4096, maxTokens: 1024 };
    await using ws = await createWorkspace({
      template: "empty",
      files: { "smol-coder.config.json": JSON.stringify({ tiers: { fast: small, deep: small, reviewer: small } }) },
      scripts: PASSING_CHECK,
    });
    // A description is never shown in part; this one is some 5,000 tokens.
    const description = `Create notes.txt. ${"Follow every rule of the house style for plain text notes. ".repeat(300)}`;
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description, filesOwned: ["notes.txt"] }), env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/deep: \d+ tokens, but its context window is 4096 tokens with 1024 kept for the reply \(3072 left for the prompt\)/);
    expect(r.stderr).toContain("counted with Qwen's tokenizer");
    expect(r.stderr).toContain("num_ctx");
    expect(server.requests).toHaveLength(0);
  });

  test("a server that reports far fewer prompt tokens than were sent is warned about", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", files: { "notes.txt": "x\n".repeat(300) }, scripts: PASSING_CHECK });
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", "x\n".repeat(300), "y\n" + "x\n".repeat(299)))).usage(20, 10));
    const r = await runCli({
      args: ["--workspace", ws.dir],
      stdin: JSON.stringify({ description: "edit notes", filesOwned: ["notes.txt"] }),
      env: { LITELLM_URL: server.url },
    });
    expect(r.exitCode).toBe(0);
    const warning = r.events.find((e) => e.event === "prompt_truncated")!;
    expect(warning).toMatchObject({ reportedTokens: 20, contextWindow: 16384, tokenizer: "qwen2.5" });
    // The count before sending, exact: the same number model_call_start logged.
    expect(warning.promptTokens).toBe(r.events.find((e) => e.event === "model_call_start")!.promptTokens);
    expect(warning.promptTokens as number).toBeGreaterThan(40);
  });
});

describe("tokens", () => {
  test("task_complete's totals per tier match the server's usage", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    server.enqueue("fast-coder", reply.text("I cannot do that.").usage(300, 7), reply.text("still no").usage(310, 3));
    server.enqueue("deep-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n"))).usage(420, 40));
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(0);
    const done = r.events.find((e) => e.event === "task_complete")!;
    expect(done.tokensByTier).toEqual({
      fast: { prompt: 610, completion: 10, total: 620 },
      deep: { prompt: 420, completion: 40, total: 460 },
      reviewer: { prompt: 0, completion: 0, total: 0 },
    });
    expect(done.tokens).toEqual({ prompt: 1030, completion: 50, total: 1080 });
    const calls = r.events.filter((e) => e.event === "model_call_complete").map((e) => [e.promptTokens, e.completionTokens, e.tokens]);
    expect(calls).toEqual([[300, 7, 307], [310, 3, 313], [420, 40, 460]]);
  });

  test("a 500 then a success completes without using an attempt", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    server.enqueue("fast-coder", reply.error(500, "upstream hiccup"), good);
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url } });
    expect(r.exitCode).toBe(0);
    expect(r.events.find((e) => e.event === "model_call_retry")).toMatchObject({ status: 500, attempt: 1 });
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 1 });
  });

  test("a model that never answers is bounded by MODEL_TIMEOUT_MS and counts as a failed attempt", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    server.enqueue("fast-coder", reply.hang(), good);
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url, MODEL_TIMEOUT_MS: "700" } });
    expect(r.exitCode).toBe(0);
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 2 });
    const second = server.requests[1]!.messages.at(-1)!.content;
    expect(second).toContain("model call failed (timeout)");
  });
});

describe("doctor", () => {
  test("passes against a healthy server and a good workspace, exit 0", async () => {
    await using server = await startModelServer({ defaultReply: reply.text("OK") });
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true", lint: "true", build: "true" } });
    // Nothing listens on port 9: a developer's own Ollama must not change the result.
    const r = await runCli({ args: ["doctor", "--workspace", ws.dir], env: { LITELLM_URL: server.url, OLLAMA_API_BASE: "http://127.0.0.1:9" } });
    expect(r.stdout).toContain("all 13 checks passed");
    expect(r.exitCode).toBe(0);
  });

  test("fails with a fix when the proxy is down, exit 1", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    const r = await runCli({ args: ["doctor"], env: { LITELLM_URL: url } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+litellm reachable/);
    expect(r.stdout).toContain("docker compose up -d");
    expect(r.stdout).toContain("litellm/run.sh");
  });

  test("without LiteLLM: the models it checks are the SMOL_MODEL_* names a run would ask for", async () => {
    const ollamaNames = { SMOL_MODEL_FAST: "qwen2.5-coder:7b-instruct", SMOL_MODEL_DEEP: "qwen2.5-coder:14b-instruct", SMOL_MODEL_REVIEWER: "qwen2.5:7b-instruct" };
    // doctor also makes a one-token call per tier: the server answers each.
    await using server = await startModelServer({ models: Object.values(ollamaNames), defaultReply: reply.text("ok") });
    const named = await runCli({ args: ["doctor"], env: { LITELLM_URL: server.url, ...ollamaNames } });
    expect(named.stdout).toMatch(/ok\s+models listed/);
    expect(named.exitCode).toBe(0);
    const aliases = await runCli({ args: ["doctor"], env: { LITELLM_URL: server.url } });
    expect(aliases.stdout).toMatch(/FAIL\s+models listed\s+missing fast-coder/);
    expect(aliases.exitCode).toBe(1);
  });
});
