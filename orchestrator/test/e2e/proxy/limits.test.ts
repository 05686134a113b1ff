// Limits and back-pressure through the real LiteLLM proxy. LiteLLM's max_parallel_requests holds a
// streamed call only until its first token, so it does not bound how many generations Ollama runs
// at once; smol-coder's own slots across processes do, for the whole call. They are counted where
// it matters, at Ollama (the stand-in), from each request to its last chunk.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../../testing/cli.ts";
import { ollamaReply } from "../../../testing/ollama/script.ts";
import { useProxyChain } from "../../../testing/proxy/chain.ts";
import { coolDownFastCoder, writeTwoDeploymentConfig } from "../../../testing/proxy/cooldown.ts";
import { startLiteLLM, type LiteLLMProxy } from "../../../testing/proxy/litellm.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../../testing/workspace.ts";

const FAST = "qwen2.5-coder:7b-instruct";
const DEEP = "qwen2.5-coder:14b-instruct";
const REVIEWER = "qwen2.5:7b-instruct";

const proxyChain = useProxyChain();
let stateDir = "";
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), "smol-state-"));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe("tier limits across processes, counted at Ollama", () => {
  test("12 CLI processes never run more than 4 fast, 1 deep and 2 reviewer generations at once", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: PASSING_CHECK,
      // One attempt per tier: every task calls fast, then deep, then the reviewer, which writes its file.
      files: { "smol-coder.config.json": JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 3 } }) },
    });
    const limits: Record<string, number> = { [FAST]: 4, [DEEP]: 1, [REVIEWER]: 2 };
    proxyChain().ollama.onChat((call) => {
      // Hold each generation's first token until its tier is full (or 2 s pass, when fewer tasks are
      // left than the limit): the limit is reached every round it can be, so one slot too many would show.
      const full = proxyChain().ollama.waitFor(() => proxyChain().ollama.active(call.model) >= limits[call.model]!, `${limits[call.model]} ${call.model}`, 2_000).catch(() => {});
      const file = /create (\S+)/.exec(call.messages.at(-1)!.content)![1]!;
      const text = call.model === REVIEWER ? diffReply(unifiedDiff(file, null, `${file}\n`)) : "I cannot do that.";
      return ollamaReply.text(text).chunkChars(8).chunkDelay(20).waitFor(full);
    });
    const runs = Array.from({ length: 12 }, (_, i) =>
      runCli({
        args: ["--workspace", ws.dir],
        stdin: JSON.stringify({ description: `create f${i}.txt`, filesOwned: [`f${i}.txt`] }),
        env: proxyChain().env({ SMOL_STATE_DIR: stateDir, SMOL_WARM_DEFER_MS: "0" }),
      }),
    );
    const results = await Promise.all(runs);
    expect(results.map((r) => r.exitCode)).toEqual(Array(12).fill(0));
    const chats = proxyChain().ollama.chats().slice(-36);
    expect(chats.map((c) => c.body.model).sort()).toEqual([...Array(12).fill(DEEP), ...Array(12).fill(FAST), ...Array(12).fill(REVIEWER)]);
    expect({ fast: proxyChain().ollama.maxActive(FAST), deep: proxyChain().ollama.maxActive(DEEP), reviewer: proxyChain().ollama.maxActive(REVIEWER) }).toEqual({ fast: 4, deep: 1, reviewer: 2 });
    for (let i = 0; i < 12; i++) expect(await ws.read(`f${i}.txt`)).toBe(`f${i}.txt\n`);
  }, 180_000);
});

describe("LiteLLM's cooldown 429", () => {
  // The project's config cannot produce it (one deployment per model group is never cooled down):
  // this case alone runs a config derived from litellm/config.yaml with fast-coder listed twice.
  let dir = "";
  let twoDeployments: LiteLLMProxy;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "smol-cooldown-"));
    twoDeployments = await startLiteLLM({ ollamaUrl: proxyChain().ollama.url, config: await writeTwoDeploymentConfig(dir, 8) });
  }, 120_000);
  afterAll(async () => {
    await twoDeployments?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("is waited out as its message asks (no retry-after header), without spending an attempt", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    proxyChain().ollama.enqueue(FAST, ollamaReply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n"))));
    const asked = await coolDownFastCoder(twoDeployments.origin, twoDeployments.masterKey);
    expect(asked).toContain("Try again in 8 seconds");
    const from = proxyChain().ollama.chats().length;
    const r = await runCli({
      args: ["--workspace", ws.dir],
      stdin: JSON.stringify({ description: "create notes.txt", filesOwned: ["notes.txt"] }),
      env: { LITELLM_URL: twoDeployments.url, LITELLM_API_KEY: twoDeployments.masterKey, SMOL_STATE_DIR: stateDir },
    });
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
    const retry = r.events.find((e) => e.event === "model_call_retry")!;
    expect(retry).toMatchObject({ status: 429, waitMs: 8000, attempt: 1 });
    expect(retry.reason).toContain("No deployments available for selected model, Try again in 8 seconds");
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 1 });
    expect(proxyChain().ollama.chats().length - from).toBe(1);
    expect(await ws.read("notes.txt")).toBe("hello\n");
  }, 60_000);
});
