// Probes, server faults: a model server that is down, refuses, lacks a model, is not the OpenAI
// protocol at all, or asks to wait a day. Each runs the real CLI against the scripted server
// (which answers as the real LiteLLM does: testing/fixtures/proxy/) and asserts the exit code, the
// message, the files byte for byte, and that no process is left behind.
import { describe, expect, test } from "bun:test";
import { runCli } from "../../../testing/cli.ts";
import { reply, startModelServer, type ModelServerOptions, type ReplyBuilder } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../../testing/workspace.ts";

const task = JSON.stringify({ description: "edit notes.txt", filesOwned: ["notes.txt"] });
const good = () => reply.text(diffReply(unifiedDiff("notes.txt", "before\n", "after\n")));
const HTML = "<!doctype html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>";

interface Probe {
  name: string;
  replies?: ReplyBuilder[];
  server?: ModelServerOptions;
  env?: Record<string, string>;
  /** The config file, when the probe needs other limits. */
  config?: object;
  exitCode: number;
  message: RegExp | string;
  /** The file after the run: unchanged unless the task completed. */
  after: string;
  check?: (events: Array<Record<string, unknown>>) => void;
}

const PROBES: Probe[] = [
  {
    name: "the proxy is down: exit 3 with how to start it",
    server: { port: 0 },
    env: { LITELLM_URL: "http://127.0.0.1:9/v1", MODEL_MAX_RETRIES: "1" },
    exitCode: 3,
    message: /cannot reach the model server at http:\/\/127\.0\.0\.1:9\/v1[\s\S]*litellm\/run\.sh/,
    after: "before\n",
  },
  {
    name: "a key that is not the master key (400 No connected db.): exit 3, key refused",
    server: { apiKey: "the-master-key" },
    env: { LITELLM_API_KEY: "some-other-key" },
    exitCode: 3,
    message: /key refused[\s\S]*LITELLM_API_KEY[\s\S]*master key/,
    after: "before\n",
  },
  {
    name: "Ollama down behind the proxy: exit 3, the proxy cannot reach Ollama",
    replies: [reply.ollamaDown(), reply.ollamaDown(), reply.ollamaDown()],
    exitCode: 3,
    message: /is up but cannot reach Ollama at its OLLAMA_API_BASE[\s\S]*OLLAMA_HOST=0\.0\.0\.0:11434/,
    after: "before\n",
  },
  {
    name: "a model Ollama never pulled: exit 3 with ollama pull",
    replies: [reply.modelNotPulled()],
    exitCode: 3,
    message: "`ollama pull qwen2.5-coder:7b-instruct`",
    after: "before\n",
  },
  {
    name: "an HTML page with status 200: exit 3 at once, with what was received",
    replies: [reply.raw(200, HTML, "text/html")],
    exitCode: 3,
    message: /does not speak the OpenAI protocol: not an OpenAI-compatible answer \(HTTP 200 text\/html: <!doctype html><html><head><title>Welcome to nginx!/,
    after: "before\n",
    check: (events) => expect(events.filter((e) => e.event === "model_call_start")).toHaveLength(1),
  },
  {
    name: "an HTML 502 from a gateway: retried, then exit 3 (not three tiers of attempts)",
    replies: Array.from({ length: 3 }, () => reply.raw(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")),
    exitCode: 3,
    message: /HTTP 502 text\/html: <html><body><h1>502 Bad Gateway/,
    after: "before\n",
    check: (events) => expect(events.filter((e) => e.event === "model_call_retry")).toHaveLength(2),
  },
  {
    name: "a plain JSON completion to a streamed request is read as the reply: complete at the first attempt",
    replies: [good().asJson()],
    exitCode: 0,
    message: /^$/,
    after: "after\n",
    check: (events) => expect(events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 1, finalTier: "fast" }),
  },
  {
    name: "Retry-After: 86400 is capped by MODEL_TIMEOUT_MS, and the retry says so",
    replies: [reply.error(429, "slow down", { headers: { "retry-after": "86400" } }), reply.error(429, "slow down", { headers: { "retry-after": "86400" } })],
    env: { MODEL_TIMEOUT_MS: "1500" },
    config: { escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } },
    exitCode: 1,
    message: /^$/,
    after: "before\n",
    check: (events) => {
      const retry = events.find((e) => e.event === "model_call_retry")!;
      expect(retry).toMatchObject({ status: 429, waitMs: 1500 });
      expect(retry.reason).toContain("the server asked to wait 86400000 ms; waiting 1500 ms, the call's timeout (MODEL_TIMEOUT_MS)");
      expect(events.find((e) => e.event === "model_call_failed")).toMatchObject({ status: 429, message: expect.stringContaining("still rate-limited after waiting 1500 ms") });
    },
  },
  {
    name: "LiteLLM's cooldown 429 (no header, 'Try again in 1 seconds'): waited out, no attempt spent",
    replies: [reply.rateLimited(1), good()],
    exitCode: 0,
    message: /^$/,
    after: "after\n",
    check: (events) => {
      expect(events.find((e) => e.event === "model_call_retry")).toMatchObject({ status: 429, waitMs: 1000 });
      expect(events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 1 });
    },
  },
  {
    name: "a stream Ollama broke off half way: one failed attempt with its reason, then the next",
    replies: [good().chunkSize(8).breakAfter(3), good()],
    exitCode: 0,
    message: /^$/,
    after: "after\n",
    check: (events) => {
      expect(events.find((e) => e.event === "model_call_failed")).toMatchObject({ reason: "stream_broken", attempt: 1 });
      expect(events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 2 });
    },
  },
];

describe("probes: server faults", () => {
  for (const probe of PROBES) {
    test(probe.name, async () => {
      const { env: markerEnv, marker } = probeMarker();
      await using server = await startModelServer(probe.server ?? {});
      for (const r of probe.replies ?? []) server.enqueue("fast-coder", r);
      await using ws = await createWorkspace({
        template: "empty",
        scripts: PASSING_CHECK,
        files: { "notes.txt": "before\n", ...(probe.config ? { "smol-coder.config.json": JSON.stringify(probe.config) } : {}) },
      });
      const before = await ws.snapshot();
      const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url, ...(probe.server?.apiKey ? { LITELLM_API_KEY: probe.server.apiKey } : {}), ...markerEnv, ...probe.env } });
      await expectProbe(r, { exitCode: probe.exitCode, message: probe.message, marker, ...(probe.after === "before\n" ? { unchanged: { ws, before } } : {}) });
      expect(await ws.read("notes.txt")).toBe(probe.after);
      probe.check?.(r.events);
    }, 60_000);
  }
});
