import { describe, expect, test } from "bun:test";
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from "openai";
import { reply, startModelServer } from "../../testing/model-server.ts";

function client(url: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) {
  return new OpenAI({ baseURL: url, apiKey: "k", maxRetries: 0, ...extra });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the promise to reject");
}

/** Parse an SSE body into its `data:` payloads. */
function sseData(raw: string): string[] {
  return raw
    .split("\n\n")
    .filter((e) => e.startsWith("data: "))
    .map((e) => e.slice("data: ".length));
}

describe("model-server: chat completions", () => {
  test("non-streaming returns content and scripted usage", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("hello world").usage(11, 2));
    const res = await client(server.url).chat.completions.create({
      model: "fast-coder",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.object).toBe("chat.completion");
    // As LiteLLM names it: the provider and the Ollama model behind fast-coder (litellm/config.yaml).
    expect(res.model).toBe("ollama_chat/qwen2.5-coder:7b-instruct");
    expect(res.choices[0]!.message.content).toBe("hello world");
    expect(res.choices[0]!.message.role).toBe("assistant");
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.usage).toEqual({ prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 });
    expect(server.requests).toHaveLength(1);
    const rec = server.requests[0]!;
    expect(rec.model).toBe("fast-coder");
    expect(rec.stream).toBe(false);
    expect(rec.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(rec.headers["authorization"]).toBe("Bearer k");
    expect(rec.path).toBe("/v1/chat/completions");
  });

  test("default usage is ceil(chars/4)", async () => {
    await using server = await startModelServer();
    server.enqueue("deep-coder", reply.text("12345")); // 5 chars -> 2
    const res = await client(server.url).chat.completions.create({
      model: "deep-coder",
      messages: [
        { role: "system", content: "abcd" },
        { role: "user", content: "efghi" },
      ], // 9 chars -> 3
    });
    expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  test("streaming reassembles content and reports usage with include_usage", async () => {
    await using server = await startModelServer();
    const content = "The quick brown fox jumps over the lazy dog, twice over.";
    server.enqueue("fast-coder", reply.text(content).chunkSize(7).usage(40, 14));
    const stream = await client(server.url).chat.completions.create({
      model: "fast-coder",
      messages: [{ role: "user", content: "go" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown = null;
    let finish: string | null = null;
    let contentChunks = 0;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const c = chunk.choices[0];
      if (c?.delta.content) {
        text += c.delta.content;
        contentChunks++;
      }
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(content);
    expect(contentChunks).toBe(Math.ceil(content.length / 7));
    expect(finish).toBe("stop");
    expect(usage).toEqual({ prompt_tokens: 40, completion_tokens: 14, total_tokens: 54, completion_tokens_details: { reasoning_tokens: 0 } });
    expect(server.requests[0]!.stream).toBe(true);
    await server.waitFor(() => server.inFlight() === 0);
  });

  test("streaming wire format (raw fetch), as LiteLLM writes it: role in the first delta, finish in its own event, no usage unless asked, [DONE]", async () => {
    await using server = await startModelServer();
    server.enqueue("*", reply.text("abcdefghij").chunkSize(4));
    const res = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "reviewer", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("x-litellm-version")).toBe("1.80.11");
    const data = sseData(await res.text());
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[0].choices[0].delta).toEqual({ content: "abcd", role: "assistant" });
    expect(chunks.slice(0, 3).map((c) => c.choices[0].delta.content)).toEqual(["abcd", "efgh", "ij"]);
    expect(chunks[3].choices[0]).toEqual({ finish_reason: "stop", index: 0, delta: {} });
    expect(chunks).toHaveLength(4); // no usage chunk without stream_options.include_usage
    expect(chunks.every((c) => c.usage === undefined && c.model === "qwen2.5:7b-instruct")).toBe(true);
  });

  test("a reply can be cut off (finish_reason length), end without a finish_reason, break off, or come as plain JSON", async () => {
    await using server = await startModelServer();
    const post = async () => {
      const res = await fetch(`${server.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "fast-coder", stream: true, messages: [{ role: "user", content: "x" }] }),
      });
      return { type: res.headers.get("content-type"), text: await res.text() };
    };
    server.enqueue("fast-coder", reply.text("abcdefgh").chunkSize(4).finishReason("length"));
    expect((await post()).text).toContain('"finish_reason":"length"');
    server.enqueue("fast-coder", reply.text("abcdefgh").chunkSize(4).finishReason(null));
    const none = await post();
    expect(none.text).not.toContain("finish_reason");
    expect(none.text).toEndWith("data: [DONE]\n\n");
    server.enqueue("fast-coder", reply.text("abcdefgh").chunkSize(4).breakAfter(1));
    const broken = sseData((await post()).text);
    expect(broken).toHaveLength(2);
    expect(JSON.parse(broken[1]!).error).toMatchObject({ code: "503", message: expect.stringContaining("peer closed connection") });
    server.enqueue("fast-coder", reply.text("whole").asJson());
    const whole = await post();
    expect(whole.type).toBe("application/json");
    expect(JSON.parse(whole.text).choices[0].message.content).toBe("whole");
  });

  test("also serves /chat/completions without the /v1 prefix", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("ok"));
    const res = await client(server.origin).chat.completions.create({
      model: "fast-coder",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]!.message.content).toBe("ok");
    expect(server.requests[0]!.path).toBe("/chat/completions");
  });
});

describe("model-server: scripting", () => {
  test("queues are FIFO per model, '*' is the fallback, onRequest wins over queues", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("f1"), reply.text("f2"));
    server.enqueue("*", reply.text("any"));
    server.onRequest((req) =>
      req.messages.some((m) => m.content === "special") ? reply.text("from handler") : undefined,
    );
    const c = client(server.url);
    const ask = async (model: string, content = "q") =>
      (await c.chat.completions.create({ model, messages: [{ role: "user", content }] })).choices[0]!.message.content;
    expect(await ask("fast-coder")).toBe("f1");
    expect(await ask("fast-coder", "special")).toBe("from handler");
    expect(await ask("fast-coder")).toBe("f2");
    expect(await ask("reviewer")).toBe("any");
    expect(server.pending()).toBe(0);
  });

  test("unscripted request fails loudly with 500 'no scripted reply'", async () => {
    await using server = await startModelServer();
    const err = await caught(
      client(server.url).chat.completions.create({ model: "reviewer", messages: [{ role: "user", content: "q" }] }),
    );
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(500);
    expect((err as APIError).message).toContain("no scripted reply for model reviewer");
  });

  test("defaultReply is used when nothing else matches", async () => {
    await using server = await startModelServer({ defaultReply: reply.text("default") });
    const res = await client(server.url).chat.completions.create({
      model: "reviewer",
      messages: [{ role: "user", content: "q" }],
    });
    expect(res.choices[0]!.message.content).toBe("default");
  });
});

describe("model-server: errors", () => {
  test("a 429 with a retry-after header surfaces as RateLimitError with status, message, code and header", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.error(429, "slow down", { headers: { "retry-after": "1" } }));
    const err = await caught(
      client(server.url).chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "q" }] }),
    );
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.message).toBe("429 slow down");
    expect(e.code).toBe("429");
    expect(e.type).toBe("rate_limit_error");
    expect(e.headers?.get("retry-after")).toBe("1");
  });

  test("rateLimited() is LiteLLM's cooldown 429: the seconds are in the message only, no retry-after header", async () => {
    await using server = await startModelServer();
    server.enqueue("deep-coder", reply.rateLimited(7));
    const err = (await caught(
      client(server.url).chat.completions.create({ model: "deep-coder", messages: [{ role: "user", content: "q" }] }),
    )) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toStartWith("429 No deployments available for selected model, Try again in 7 seconds. Passed model=deep-coder.");
    expect(err.headers?.get("retry-after")).toBeNull();
    expect(err.headers?.get("retry-after-ms")).toBeNull();
  });

  test("the proxy's faults: Ollama down, a model not pulled, a crashed runner (all 500 APIConnectionError)", async () => {
    await using server = await startModelServer();
    server.enqueue("reviewer", reply.ollamaDown(), reply.modelNotPulled(), reply.runnerCrashed());
    const ask = () => caught(client(server.url).chat.completions.create({ model: "reviewer", messages: [{ role: "user", content: "q" }] })) as Promise<APIError>;
    const down = await ask();
    expect(down.status).toBe(500);
    expect(down.message).toContain("litellm.APIConnectionError: Ollama_chatException - All connection attempts failed. Received Model Group=reviewer");
    expect((await ask()).message).toContain(`{"error":"model 'qwen2.5:7b-instruct' not found"}`);
    expect((await ask()).message).toContain("llama runner process has terminated");
  });

  test("error body and content-type on the wire", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.error(503, "upstream down", { type: "service_unavailable", code: null }));
    const res = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "fast-coder", messages: [] }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({
      error: { message: "upstream down", type: "service_unavailable", param: null, code: null },
    });
  });

  test("apiKey, as LiteLLM without a database: no key 401, a wrong key 400 no_db_connection, the master key works", async () => {
    await using server = await startModelServer({ apiKey: "sk-secret" });
    server.enqueue("fast-coder", reply.text("ok"));
    const wrong = await caught(
      client(server.url).chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "q" }] }),
    );
    expect(wrong).toBeInstanceOf(BadRequestError);
    expect((wrong as APIError).status).toBe(400);
    expect((wrong as APIError).type).toBe("no_db_connection");
    expect((wrong as APIError).message).toBe("400 No connected db.");
    expect(await caught(client(server.url).models.list())).toBeInstanceOf(BadRequestError);

    const raw = await fetch(`${server.url}/chat/completions`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(401);
    expect(raw.headers.get("content-type")).toBe("application/json");
    expect(await raw.json()).toMatchObject({ error: { message: "Authentication Error, No api key passed in.", type: "auth_error" } });

    const ok = await client(server.url, { apiKey: "sk-secret" }).chat.completions.create({
      model: "fast-coder",
      messages: [{ role: "user", content: "q" }],
    });
    expect(ok.choices[0]!.message.content).toBe("ok");
  });

  test("unknown model -> LiteLLM-style 400 BadRequestError", async () => {
    await using server = await startModelServer();
    const err = await caught(
      client(server.url).chat.completions.create({ model: "gpt-9", messages: [{ role: "user", content: "q" }] }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    const e = err as BadRequestError;
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      "400 {'error': '/chat/completions: Invalid model name passed in model=gpt-9. Call `/v1/models` to view available models for your key.'}",
    );
  });

  test("drop() destroys the connection -> APIConnectionError (not a timeout)", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.drop());
    const err = await caught(
      client(server.url).chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "q" }] }),
    );
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as APIError).status).toBeUndefined();
    await server.waitFor(() => server.inFlight() === 0);
  });

  test("connection refused -> APIConnectionError", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    const err = await caught(
      client(url).chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "q" }] }),
    );
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe("model-server: endpoints", () => {
  test("/v1/models lists the known models", async () => {
    await using server = await startModelServer({ models: ["a", "b"] });
    const page = await client(server.url).models.list();
    expect(page.data.map((m) => m.id)).toEqual(["a", "b"]);
    const raw = (await (await fetch(`${server.origin}/models`)).json()) as any;
    expect(raw.object).toBe("list");
    expect(raw.data[0]).toMatchObject({ id: "a", object: "model" });
  });

  test("health endpoints", async () => {
    await using server = await startModelServer();
    const live = await fetch(`${server.origin}/health/liveliness`);
    expect(live.status).toBe(200);
    expect(await live.json()).toBe("I'm alive!");
    expect((await fetch(`${server.origin}/health/readiness`)).status).toBe(200);
    server.setHealthy(false);
    expect((await fetch(`${server.origin}/health/liveliness`)).status).toBe(503);

    await using sick = await startModelServer({ health: false });
    expect((await fetch(`${sick.origin}/health/liveliness`)).status).toBe(503);
    expect((await fetch(`${sick.origin}/health/readiness`)).status).toBe(503);
  });
});

describe("model-server: timing and concurrency", () => {
  test("hang() is cut by the SDK timeout (APIConnectionTimeoutError) and releases in-flight", async () => {
    await using server = await startModelServer();
    server.enqueue("deep-coder", reply.hang());
    const err = await caught(
      client(server.url).chat.completions.create(
        { model: "deep-coder", messages: [{ role: "user", content: "q" }] },
        { timeout: 200 },
      ),
    );
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as Error).message).toBe("Request timed out.");
    await server.waitFor(() => server.inFlight("deep-coder") === 0, { what: "hang to be released" });
    expect(server.maxInFlight("deep-coder")).toBe(1);
  });

  test("hang() aborted by the caller's signal -> APIUserAbortError", async () => {
    await using server = await startModelServer();
    server.enqueue("deep-coder", reply.hang());
    const ac = new AbortController();
    const p = caught(
      client(server.url).chat.completions.create(
        { model: "deep-coder", messages: [{ role: "user", content: "q" }] },
        { signal: ac.signal },
      ),
    );
    await server.waitForRequests(1);
    ac.abort();
    expect(await p).toBeInstanceOf(APIUserAbortError);
    await server.waitFor(() => server.inFlight() === 0);
  });

  test("stallAfter leaves the stream open and silent (raw fetch read times out)", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("a".repeat(100)).chunkSize(10).stallAfter(2));
    const ac = new AbortController();
    const res = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "fast-coder", stream: true, messages: [{ role: "user", content: "x" }] }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    while (sseData(buf).length < 2) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      buf += dec.decode(value);
    }
    expect(sseData(buf)).toHaveLength(2); // 2 content chunks (the first carries the role), no more
    expect(server.inFlight("fast-coder")).toBe(1);

    // The next read must not complete: abort it from the client side.
    const timer = setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    const next = await reader.read().then(
      () => "data",
      (e: Error) => e.name,
    );
    clearTimeout(timer);
    expect(next).toBe("AbortError");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await server.waitFor(() => server.inFlight() === 0, { what: "stalled stream to be released" });
  });

  test("stalled stream through the SDK: the SDK timeout does not cover the body; a signal ends iteration", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("b".repeat(100)).chunkSize(10).stallAfter(2));
    const ac = new AbortController();
    const stream = await client(server.url).chat.completions.create(
      { model: "fast-coder", stream: true, messages: [{ role: "user", content: "x" }] },
      { signal: ac.signal, timeout: 100 },
    );
    let text = "";
    let outcome = "ended";
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        if (text.length === 20) setTimeout(() => ac.abort(), 400); // well past the 100 ms SDK timeout
      }
    } catch (e) {
      outcome = (e as Error).constructor.name;
    }
    expect(text).toBe("b".repeat(20));
    // openai v7: aborting a stream via the caller's signal ends `for await` quietly (no throw).
    expect(outcome).toBe("ended");
    expect(ac.signal.aborted).toBe(true);
    await server.waitFor(() => server.inFlight() === 0);
  });

  test("delay() holds the response for at least the delay", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", reply.text("late").delay(250));
    const started = Date.now();
    const res = await client(server.url).chat.completions.create({
      model: "fast-coder",
      messages: [{ role: "user", content: "q" }],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
    expect(res.choices[0]!.message.content).toBe("late");
  });

  test("maxInFlight counts 3 concurrent delayed requests as 3", async () => {
    await using server = await startModelServer();
    server.enqueue("fast-coder", ...[1, 2, 3].map((i) => reply.text(`r${i}`).delay(300)));
    server.enqueue("reviewer", reply.text("solo"));
    const c = client(server.url);
    const results = await Promise.all(
      [1, 2, 3].map(() => c.chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "q" }] })),
    );
    await c.chat.completions.create({ model: "reviewer", messages: [{ role: "user", content: "q" }] });
    expect(results.map((r) => r.choices[0]!.message.content).sort()).toEqual(["r1", "r2", "r3"]);
    expect(server.maxInFlight("fast-coder")).toBe(3);
    expect(server.maxInFlight("reviewer")).toBe(1);
    expect(server.maxInFlight()).toBe(3);
    expect(server.inFlight()).toBe(0);
  });

  test("waitFor(promise) gates replies deterministically", async () => {
    await using server = await startModelServer();
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    server.enqueue("*", reply.text("x").waitFor(gate), reply.text("y").waitFor(gate));
    const c = client(server.url);
    const all = Promise.all(
      ["fast-coder", "reviewer"].map((model) =>
        c.chat.completions.create({ model, messages: [{ role: "user", content: "q" }] }),
      ),
    );
    await server.waitFor(() => server.inFlight() === 2, { what: "2 in flight" });
    open();
    expect((await all).map((r) => r.choices[0]!.message.content).sort()).toEqual(["x", "y"]);
  });

  test("waitForRequests resolves on arrival and rejects on timeout", async () => {
    await using server = await startModelServer({ defaultReply: reply.text("d") });
    const waiting = server.waitForRequests(2);
    const c = client(server.url);
    await c.chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "1" }] });
    await c.chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "2" }] });
    await waiting;
    await server.waitForRequests(1); // already satisfied
    const err = await caught(server.waitForRequests(3, { timeoutMs: 50 }));
    expect((err as Error).message).toContain("timed out");
  });

  test("stop() closes hanging connections and rejects pending waits", async () => {
    const server = await startModelServer();
    server.enqueue("fast-coder", reply.hang());
    const p = caught(
      client(server.url).chat.completions.create({ model: "fast-coder", messages: [{ role: "user", content: "q" }] }),
    );
    await server.waitForRequests(1);
    const pendingWait = caught(server.waitForRequests(5));
    await server.stop();
    expect(await p).toBeInstanceOf(APIConnectionError);
    expect((await pendingWait) as Error).toBeInstanceOf(Error);
    expect(server.inFlight()).toBe(0);
  });

  test("servers are independent", async () => {
    await using a = await startModelServer();
    await using b = await startModelServer();
    expect(a.url).not.toBe(b.url);
    a.enqueue("fast-coder", reply.text("from a"));
    b.enqueue("fast-coder", reply.text("from b"));
    const ra = await client(a.url).chat.completions.create({ model: "fast-coder", messages: [] });
    const rb = await client(b.url).chat.completions.create({ model: "fast-coder", messages: [] });
    expect(ra.choices[0]!.message.content).toBe("from a");
    expect(rb.choices[0]!.message.content).toBe("from b");
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
  });
});
