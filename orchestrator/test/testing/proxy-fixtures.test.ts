// The recorded answers of the real proxy (testing/fixtures/proxy/) still hold: the real LiteLLM,
// started from litellm/run.sh with the project's config in front of the Ollama stand-in, answers
// every scenario exactly as recorded (ids, times and ports masked), and so does the scripted
// model server the fast tests use. When LiteLLM moves to another release, this is the test that
// fails first; `bun testing/proxy/record.ts` records the new answers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startOllamaStandIn, type OllamaStandIn } from "../../testing/ollama/standin.ts";
import { reply, startModelServer, type ModelServer, type ReplyBuilder } from "../../testing/model-server.ts";
import { capture, type ProxyCapture } from "../../testing/proxy/capture.ts";
import type { LiteLLMProxy } from "../../testing/proxy/litellm.ts";
import { COOLDOWN_SECONDS, FIXTURES_DIR, runScenario, startProxies } from "../../testing/proxy/record.ts";
import { SCENARIOS } from "../../testing/proxy/scenarios.ts";

function recorded(name: string): ProxyCapture {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, `${name}.json`), "utf8"));
}

/** What the scripted server is told, per scenario, to stand in for the same fault. */
const SCRIPTED: Record<string, { apiKey?: string; reply?: ReplyBuilder }> = {
  "success-stream": { reply: reply.text("Hello from Ollama.").chunkSize(6).usage(25, 3) },
  "success-json": { reply: reply.text("Hello from Ollama.").usage(25, 3) },
  "length-stream": { reply: reply.text("Hello from Ollama.").chunkSize(6).usage(25, 3).finishReason("length") },
  "wrong-key": { apiKey: "dev-key" },
  "no-key": { apiKey: "dev-key" },
  "unknown-model": {},
  "ollama-down": { reply: reply.ollamaDown() },
  "model-not-pulled": { reply: reply.modelNotPulled() },
  "runner-crashed": { reply: reply.runnerCrashed() },
  "stream-break": { reply: reply.text("Hello from Ollama.").chunkSize(6).breakAfter(2) },
  "stream-error-line": { reply: reply.text("Hello from Ollama.").chunkSize(6).breakAfter(2, "stream-error-line") },
  cooldown: { reply: reply.rateLimited(COOLDOWN_SECONDS) },
  liveliness: {},
  models: { apiKey: "dev-key" },
};

let dir = "";
let ollama: OllamaStandIn;
let proxies: Record<"project" | "two-deployments", LiteLLMProxy>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "smol-fixtures-"));
  ollama = await startOllamaStandIn();
  proxies = await startProxies(ollama, dir);
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(proxies ?? {}).map((p) => p.stop()));
  await ollama?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the real LiteLLM answers as recorded", () => {
  for (const s of SCENARIOS) {
    test(`${s.name}: ${s.description}`, async () => {
      const got = await runScenario(s, proxies[s.proxy ?? "project"], ollama);
      expect(got).toEqual(recorded(s.name));
    }, 30_000);
  }

  test("the cooldown's 'Try again in N seconds' is the router's cooldown_time", async () => {
    const s = SCENARIOS.find((x) => x.name === "cooldown")!;
    const raw = await runScenario(s, proxies["two-deployments"], ollama);
    expect(raw.status).toBe(429);
    const res = await fetch(`${proxies["two-deployments"].url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer dev-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "fast-coder", messages: [{ role: "user", content: "x" }] }),
    });
    expect(await res.text()).toContain(`Try again in ${COOLDOWN_SECONDS} seconds`);
    expect(res.headers.get("retry-after")).toBeNull();
  }, 30_000);
});

describe("the scripted model server answers as the real one did", () => {
  for (const s of SCENARIOS) {
    test(s.name, async () => {
      const script = SCRIPTED[s.name];
      if (!script) throw new Error(`no scripted stand-in for scenario ${s.name}: add one to SCRIPTED`);
      await using server: ModelServer = await startModelServer(script.apiKey ? { apiKey: script.apiKey } : {});
      if (script.reply) server.enqueue("fast-coder", script.reply);
      expect(await capture(server.origin, s)).toEqual(recorded(s.name));
    });
  }
});
