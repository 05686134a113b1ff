// Every proxy and Ollama fault, through the real CLI and the real LiteLLM proxy: the exit code,
// and a message that names the cause and its fix. The files are never touched.
import { describe, expect, test } from "bun:test";
import { runCli } from "../../../testing/cli.ts";
import { ollamaReply } from "../../../testing/ollama/script.ts";
import { useProxyChain } from "../../../testing/proxy/chain.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../../testing/workspace.ts";

const FAST = "qwen2.5-coder:7b-instruct";
const task = JSON.stringify({ description: "create notes.txt", filesOwned: ["notes.txt"] });
const good = () => ollamaReply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n")));

const proxyChain = useProxyChain();

async function run(env: Record<string, string> = {}, files: Record<string, string> = {}) {
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, files });
  const before = await ws.snapshot();
  const from = proxyChain().ollama.requests.length;
  const started = performance.now();
  const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: proxyChain().env(env) });
  const chats = proxyChain().ollama.requests.slice(from).filter((q) => q.path === "/api/chat");
  return { ...r, ms: performance.now() - started, chats, untouched: (await ws.snapshot()).size === before.size && (await ws.read("notes.txt")) === null };
}

describe("exit 3, the cause named and its fix", () => {
  test("a key other than the master key: 'key refused', naming LITELLM_API_KEY and the master key", async () => {
    const r = await run({ LITELLM_API_KEY: "not-the-master-key" });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain("key refused");
    expect(r.stderr).toContain("No connected db.");
    expect(r.stderr).toContain("LITELLM_API_KEY");
    expect(r.stderr).toContain("master key");
    expect(r.stderr).not.toContain("not-the-master-key");
    expect(r.chats).toHaveLength(0);
    // Not retried: one failed call, logged with the proxy's status and words.
    expect(r.events.filter((e) => e.event === "model_call_failed")).toEqual([expect.objectContaining({ reason: "auth", status: 400, message: "No connected db." })]);
    expect(r.events.filter((e) => e.event === "model_call_retry")).toHaveLength(0);
    expect(r.untouched).toBe(true);
  }, 30_000);

  test("a model name the proxy does not serve: named, with litellm/config.yaml", async () => {
    const r = await run({}, { "smol-coder.config.json": JSON.stringify({ tiers: { fast: { model: "turbo-coder" } } }) });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('does not serve the model "turbo-coder"');
    expect(r.stderr).toContain("litellm/config.yaml");
    expect(r.chats).toHaveLength(0);
  }, 30_000);

  test("Ollama down: within 30 s, the proxy is up but cannot reach Ollama at OLLAMA_API_BASE, with the Linux fix", async () => {
    proxyChain().ollama.down();
    const r = await run();
    expect(r.exitCode).toBe(3);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stderr).toContain("is up but cannot reach Ollama at its OLLAMA_API_BASE");
    expect(r.stderr).toContain("All connection attempts failed");
    expect(r.stderr).toContain("OLLAMA_HOST=0.0.0.0:11434");
    expect(r.stderr).toContain("network_mode: host");
    // Retried within the budget first (Ollama may be restarting), each failure logged.
    expect(r.events.filter((e) => e.event === "model_call_retry").map((e) => e.status)).toEqual([500, 500]);
    expect(r.events.filter((e) => e.event === "model_call_failed")).toEqual([expect.objectContaining({ reason: "ollama_unreachable", status: 500 })]);
    expect(r.untouched).toBe(true);
  }, 45_000);

  test("a model Ollama never pulled: names the Ollama model and `ollama pull`", async () => {
    proxyChain().ollama.models.delete(FAST);
    const r = await run();
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`does not have the model "${FAST}" (for "fast-coder")`);
    expect(r.stderr).toContain(`\`ollama pull ${FAST}\``);
    expect(r.chats).toHaveLength(1);
    expect(r.untouched).toBe(true);
  }, 30_000);
});

describe("a reply that does not arrive whole is one failed attempt", () => {
  test("a stream that breaks off half way: one failed attempt with a clear reason, then the next attempt", async () => {
    proxyChain().ollama.enqueue(FAST, ollamaReply.text(diffReply(unifiedDiff("notes.txt", null, "half\n"))).chunkChars(10).breakAfter(3), good());
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 2 });
    const failed = r.events.filter((e) => e.event === "model_call_failed");
    expect(failed).toEqual([expect.objectContaining({ attempt: 1, reason: "stream_broken" })]);
    expect(failed[0]!.message).toContain("broke off after 30 characters");
    expect(failed[0]!.message).toContain("peer closed connection without sending complete message body");
    expect(r.events.filter((e) => e.event === "patch_applied")).toHaveLength(1);
    expect(r.chats[1]!.body.messages.at(-1).content).toContain("model call failed (stream_broken)");
  }, 30_000);

  test("a reply Ollama stopped at num_predict (done_reason length) is not applied; the model hears it was cut off", async () => {
    proxyChain().ollama.enqueue(FAST, ollamaReply.text(diffReply(unifiedDiff("notes.txt", null, "cut\n"))).length().counts(200, 4096), good());
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(r.events.find((e) => e.event === "model_call_failed")).toMatchObject({ attempt: 1, reason: "cut_off", tokens: 4296 });
    expect(r.chats[1]!.body.messages.at(-1).content).toContain("reply cut off: the reply was cut off at max_tokens (4096 tokens)");
    expect(r.events.filter((e) => e.event === "patch_applied")).toHaveLength(1);
  }, 30_000);
});
