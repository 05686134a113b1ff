// The model client against the scripted server, through the real openai SDK and real HTTP.
import { describe, expect, test } from "bun:test";
import { createModelClient, parseRetryAfter, type ModelClientOptions, type RetryInfo } from "../../src/executor/model-client.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";

const messages = [{ role: "user" as const, content: "hello there" }];

function client(url: string, extra: Partial<ModelClientOptions> = {}) {
  return createModelClient({ baseURL: url, apiKey: "k", timeoutMs: 5_000, maxRetries: 2, random: () => 0, ...extra });
}

describe("createModelClient", () => {
  test("streams the reply and reports the server's usage", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("a".repeat(95)).usage(120, 30).chunkSize(7));
    const r = await client(server.url).complete({ model: "fast-coder", messages, temperature: 0.1, maxTokens: 500 });
    expect(r).toMatchObject({ ok: true, content: "a".repeat(95), usage: { promptTokens: 120, completionTokens: 30, totalTokens: 150 } });
    const sent = server.requests[0]!;
    expect(sent.stream).toBe(true);
    expect(sent.body).toMatchObject({ temperature: 0.1, max_tokens: 500, stream_options: { include_usage: true } });
  });

  test("a 500 followed by a success completes, with the retry reported", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.error(500, "boom"), reply.text("ok"));
    const retries: RetryInfo[] = [];
    const r = await client(server.url).complete({ model: "fast-coder", messages, onRetry: (i) => retries.push(i) });
    expect(r.ok).toBe(true);
    expect(retries).toEqual([expect.objectContaining({ retry: 1, status: 500 })]);
  });

  test("5xx past the retry budget is a server_error result, not an exception", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.error(503, "down"), reply.error(503, "down"), reply.error(503, "down"));
    const r = await client(server.url).complete({ model: "fast-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "server_error", status: 503 });
    expect(server.requests).toHaveLength(3);
  });

  test("a 429 with 'Try again in 1 seconds' waits that long and completes", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.rateLimited(1), reply.text("done"));
    const retries: RetryInfo[] = [];
    const r = await client(server.url, { maxRetries: 0 }).complete({ model: "fast-coder", messages, onRetry: (i) => retries.push(i) });
    expect(r.ok).toBe(true);
    expect(retries[0]!.waitMs).toBe(1000);
    const gap = server.requests[1]!.receivedAt - server.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  test("a model that never answers is bounded by the timeout", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.hang());
    const started = performance.now();
    const r = await client(server.url, { timeoutMs: 400, maxRetries: 0 }).complete({ model: "fast-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "timeout" });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  test("a stream that stalls is caught by the shorter stall timeout", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("x".repeat(200)).stallAfter(2));
    const r = await client(server.url, { timeoutMs: 20_000, stallTimeoutMs: 300, maxRetries: 0 }).complete({ model: "fast-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "stalled" });
    expect(r.durationMs).toBeLessThan(5_000);
  });

  test("a wrong key (LiteLLM without a database answers 400 No connected db.) is an auth failure and is not retried", async () => {
    await using server = await startModelServer({ apiKey: "right" });
    const r = await client(server.url).complete({ model: "fast-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "auth", status: 400, message: "No connected db." });
    expect(server.requests).toHaveLength(1);
  });

  test("an unknown model is named in the failure", async () => {
    await using server = await startModelServer({ models: ["fast-coder"] });
    const r = await client(server.url).complete({ model: "deep-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "unknown_model" });
    if (!r.ok) expect(r.message).toContain("deep-coder");
  });

  test("connection refused is retried, then reported as unreachable", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    const retries: RetryInfo[] = [];
    const r = await client(url, { maxRetries: 1 }).complete({ model: "fast-coder", messages, onRetry: (i) => retries.push(i) });
    expect(r).toMatchObject({ ok: false, reason: "unreachable" });
    expect(retries).toHaveLength(1);
  });

  test("our own abort signal ends the call as aborted", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.hang());
    const controller = new AbortController();
    const pending = client(server.url).complete({ model: "fast-coder", messages, signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, reason: "aborted" });
  });
});

describe("what the server sent, read right", () => {
  test("a plain JSON completion to a streamed request is read as the whole reply", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("the whole reply").usage(30, 4).asJson());
    const r = await client(server.url).complete({ model: "fast-coder", messages });
    expect(r).toMatchObject({ ok: true, content: "the whole reply", finishReason: "stop", usage: { promptTokens: 30, completionTokens: 4 } });
    expect(server.requests).toHaveLength(1);
  });

  test("an HTML page is not the OpenAI protocol: a 200 at once, a 502 after its retries, with what was received", async () => {
    await using server = await startModelServer();
    const page = "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>";
    server.enqueue("fast-coder", reply.raw(200, page, "text/html"));
    const ok = await client(server.url).complete({ model: "fast-coder", messages });
    expect(ok).toMatchObject({ ok: false, reason: "protocol", status: 200 });
    if (!ok.ok) expect(ok.message).toContain("HTTP 200 text/html: <!doctype html><html><body><h1>Welcome to nginx!");
    expect(server.requests).toHaveLength(1);
    server.enqueue("fast-coder", ...Array(3).fill(reply.raw(502, "<html><h1>502 Bad Gateway</h1></html>", "text/html")));
    const gateway = await client(server.url, { maxRetries: 2 }).complete({ model: "fast-coder", messages });
    expect(gateway).toMatchObject({ ok: false, reason: "protocol", status: 502 });
    if (!gateway.ok) expect(gateway.message).toContain("502 Bad Gateway");
    expect(server.requests).toHaveLength(4);
  });

  test("a stream that breaks off half way is a stream_broken failure, not retried, not a reply", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("--- a/x\n+++ b/x\n@@ half").chunkSize(5).breakAfter(2), reply.text("never asked for"));
    const r = await client(server.url).complete({ model: "fast-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "stream_broken" });
    if (!r.ok) expect(r.message).toContain("broke off after 10 characters: litellm.ServiceUnavailableError");
    expect(server.requests).toHaveLength(1);
  });

  test("finish_reason is passed on: length at max_tokens, null when the stream never said", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("cut").finishReason("length"), reply.text("unsure").finishReason(null));
    expect(await client(server.url).complete({ model: "fast-coder", messages })).toMatchObject({ ok: true, content: "cut", finishReason: "length" });
    expect(await client(server.url).complete({ model: "fast-coder", messages })).toMatchObject({ ok: true, content: "unsure", finishReason: null });
  });

  test("Ollama down behind the proxy: retried within the budget, then ollama_unreachable", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.ollamaDown(), reply.ollamaDown(), reply.ollamaDown());
    const retries: RetryInfo[] = [];
    const r = await client(server.url).complete({ model: "fast-coder", messages, onRetry: (i) => retries.push(i) });
    expect(r).toMatchObject({ ok: false, reason: "ollama_unreachable", status: 500 });
    expect(retries.map((i) => i.status)).toEqual([500, 500]);
  });

  test("a model Ollama lacks is not retried and names the Ollama model", async () => {
    await using server = await startModelServer();
    server.enqueue("deep-coder", reply.modelNotPulled());
    const r = await client(server.url).complete({ model: "deep-coder", messages });
    expect(r).toMatchObject({ ok: false, reason: "model_not_pulled", ollamaModel: "qwen2.5-coder:14b-instruct" });
    expect(server.requests).toHaveLength(1);
  });

  test("Retry-After: 86400 is capped by the call's own timeout, and the retry says so", async () => {
    await using server = await startModelServer();
    const day = reply.error(429, "slow down", { headers: { "retry-after": "86400" } });
    server.enqueue("fast-coder", day, day, day);
    const waits: number[] = [];
    const retries: RetryInfo[] = [];
    const r = await client(server.url, { timeoutMs: 2_000, sleep: async (ms) => void waits.push(ms) }).complete({
      model: "fast-coder",
      messages,
      onRetry: (i) => retries.push(i),
    });
    expect(waits).toEqual([2_000]);
    expect(retries[0]!.reason).toContain("the server asked to wait 86400000 ms; waiting 2000 ms, the call's timeout (MODEL_TIMEOUT_MS)");
    expect(r).toMatchObject({ ok: false, reason: "server_error", status: 429 });
    if (!r.ok) expect(r.message).toContain("still rate-limited after waiting 2000 ms in all (MODEL_TIMEOUT_MS)");
    expect(server.requests).toHaveLength(2);
  });
});

describe("parseRetryAfter", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  const cases: Array<[string, Headers | undefined, string, number | undefined]> = [
    ["retry-after-ms header", h({ "retry-after-ms": "250" }), "", 250],
    ["retry-after seconds", h({ "retry-after": "3" }), "", 3000],
    ["LiteLLM message", undefined, "No deployments available, Try again in 7 seconds", 7000],
    ["message in ms", undefined, "try again in 500ms", 500],
    ["header wins over message", h({ "retry-after": "2" }), "Try again in 9 seconds", 2000],
    ["nothing said", undefined, "slow down", undefined],
  ];
  for (const [name, headers, message, expected] of cases) {
    test(name, () => expect(parseRetryAfter(headers, message)).toBe(expected));
  }
});
