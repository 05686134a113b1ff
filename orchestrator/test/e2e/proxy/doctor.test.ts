// doctor end to end: the real CLI, the real LiteLLM proxy and the Ollama stand-in behind it. The
// proxy's own health endpoints pass while Ollama is down; the one-token call per tier does not.
import { describe, expect, test } from "bun:test";
import { runCli } from "../../../testing/cli.ts";
import { useProxyChain } from "../../../testing/proxy/chain.ts";
import { createWorkspace } from "../../../testing/workspace.ts";

const proxyChain = useProxyChain();

const scripts = { typecheck: "true", lint: "true", build: "true" };

async function doctor(files: Record<string, string> = {}) {
  await using ws = await createWorkspace({ template: "empty", scripts, files });
  return await runCli({ args: ["doctor", "--workspace", ws.dir], env: proxyChain().env({ OLLAMA_API_BASE: proxyChain().ollama.url }) });
}

function line(stdout: string, name: string): string {
  return stdout.split("\n").find((l) => l.slice(5).startsWith(`${name} `)) ?? `(no ${name} line in)\n${stdout}`;
}

describe("doctor through the real proxy", () => {
  test("everything in place: every check passes, each tier answered once, exit 0", async () => {
    const from = proxyChain().ollama.chats().length;
    const r = await doctor();
    expect(r.stdout).toContain("all 13 checks passed");
    expect(r.exitCode).toBe(0);
    expect(proxyChain().ollama.chats().slice(from).map((c) => [c.body.model, c.body.options.num_predict])).toEqual([
      ["qwen2.5-coder:7b-instruct", 1],
      ["qwen2.5-coder:14b-instruct", 1],
      ["qwen2.5:7b-instruct", 1],
    ]);
    expect(line(r.stdout, "ollama models")).toContain("has qwen2.5-coder:7b-instruct, qwen2.5-coder:14b-instruct, qwen2.5:7b-instruct");
  }, 60_000);

  test("Ollama down: the proxy checks pass, every tier call fails with the fix, exit 1", async () => {
    proxyChain().ollama.down();
    const r = await doctor();
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, "litellm reachable")).toStartWith("ok");
    expect(line(r.stdout, "models listed")).toStartWith("ok");
    for (const tier of ["fast", "deep", "reviewer"]) {
      const l = line(r.stdout, `model ${tier}`);
      expect(l).toStartWith("FAIL");
      expect(l).toContain("cannot reach Ollama at its OLLAMA_API_BASE");
      expect(l).toContain("OLLAMA_HOST=0.0.0.0:11434");
    }
    expect(r.stdout).toContain("3 of 13 checks failed: model fast, model deep, model reviewer");
  }, 60_000);

  test("a model not pulled: its tier fails with ollama pull, and Ollama's list names it", async () => {
    proxyChain().ollama.models.delete("qwen2.5:7b-instruct");
    const r = await doctor();
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, "model reviewer")).toContain("`ollama pull qwen2.5:7b-instruct`");
    expect(line(r.stdout, "ollama models")).toContain("lacks qwen2.5:7b-instruct");
    expect(r.stdout).toContain("2 of 13 checks failed: model reviewer, ollama models");
  }, 60_000);

  test("a broken config file is a FAIL naming it; a wrong key fails the key check with its fix", async () => {
    const broken = await doctor({ "smol-coder.config.json": '{ "tiers": { "fast": { "concurrency": 0 } } }' });
    expect(broken.exitCode).toBe(1);
    expect(line(broken.stdout, "config")).toMatch(/^FAIL config .*smol-coder\.config\.json: tiers\.fast\.concurrency/);
    await using ws = await createWorkspace({ template: "empty", scripts });
    const wrong = await runCli({ args: ["doctor", "--workspace", ws.dir], env: proxyChain().env({ LITELLM_API_KEY: "nope-key", OLLAMA_API_BASE: proxyChain().ollama.url }) });
    expect(line(wrong.stdout, "api key")).toContain('answered 400: the proxy refused LITELLM_API_KEY ("No connected db.": not the master key)');
    expect(line(wrong.stdout, "api key")).toContain("fix: Set LITELLM_API_KEY to the proxy's master key");
    expect(wrong.stdout).not.toContain("nope-key");
  }, 60_000);
});
