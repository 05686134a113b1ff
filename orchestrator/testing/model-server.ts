/**
 * Scripted OpenAI-compatible HTTP server for tests. It stands in for a LiteLLM proxy in
 * front of Ollama and speaks the real wire protocol (JSON chat completions, SSE streaming,
 * OpenAI/LiteLLM-style error bodies), so product code can talk to it through the real
 * `openai` SDK, and a separate CLI process can talk to it over HTTP.
 *
 * Layout: a tiny TCP pass-through (Bun.listen) owns the public port; it forwards bytes to a
 * Bun.serve backend on another loopback port. The pass-through exists only so that
 * `reply.drop()` can really destroy the client's socket without sending a response, which
 * Bun.serve cannot do by itself. Everything HTTP happens in Bun.serve.
 *
 * Every startModelServer() call is independent: no module-level state.
 */
import type { Socket } from "bun";

// ---------------------------------------------------------------------------------------
// Scripted replies
// ---------------------------------------------------------------------------------------

export type ReplyKind = "text" | "error" | "hang" | "drop" | "raw";

/** One scripted response. Build it with `reply.*`; the fields are plain data. */
export type Reply = {
  kind: ReplyKind;
  /** text: assistant content. raw: the response body. */
  content: string;
  /** HTTP status (200 for text). */
  status: number;
  /** error: the `error` object of the body. */
  error?: { message: string; type: string; param: string | null; code: string | null };
  /** Scripted usage; when absent, estimated as ceil(chars / 4). */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Milliseconds to wait before sending headers (or before dropping). */
  delayMs: number;
  /** Wait for this promise to settle before sending headers (after delayMs). */
  gate?: Promise<unknown>;
  /** Streaming only: send this many content chunks, then go silent forever. */
  stallAfter?: number;
  /** Streaming: characters per content delta. */
  chunkSize: number;
  /** Streaming: milliseconds between chunks (default 0). */
  chunkDelayMs: number;
  /** finish_reason of the choice (default "stop"). */
  finishReason: string;
  /** Extra response headers. */
  headers: Record<string, string>;
};

export interface ReplyBuilder {
  /** Scripted usage (prompt_tokens, completion_tokens). */
  usage(prompt: number, completion: number): ReplyBuilder;
  /** Delay before headers are sent (for drop: before the socket is destroyed). */
  delay(ms: number): ReplyBuilder;
  /** Hold the response (before headers) until `p` settles: deterministic release from a test. */
  waitFor(p: Promise<unknown>): ReplyBuilder;
  /** Streaming only: send the role chunk plus N content chunks, then go silent forever. */
  stallAfter(chunks: number): ReplyBuilder;
  /** Streaming: characters per content delta (default 20). */
  chunkSize(chars: number): ReplyBuilder;
  /** Streaming: delay between chunks (default 0). */
  chunkDelay(ms: number): ReplyBuilder;
  /** finish_reason (default "stop"), e.g. "length". */
  finishReason(reason: string): ReplyBuilder;
  /** Extra response header. */
  header(name: string, value: string): ReplyBuilder;
  build(): Reply;
}

class Builder implements ReplyBuilder {
  readonly #r: Reply;
  constructor(r: Reply) {
    this.#r = r;
  }
  usage(prompt: number, completion: number): ReplyBuilder {
    this.#r.usage = { prompt_tokens: prompt, completion_tokens: completion };
    return this;
  }
  delay(ms: number): ReplyBuilder {
    this.#r.delayMs = ms;
    return this;
  }
  waitFor(p: Promise<unknown>): ReplyBuilder {
    this.#r.gate = p;
    return this;
  }
  stallAfter(chunks: number): ReplyBuilder {
    this.#r.stallAfter = chunks;
    return this;
  }
  chunkSize(chars: number): ReplyBuilder {
    if (!(chars >= 1)) throw new Error("chunkSize must be >= 1");
    this.#r.chunkSize = Math.floor(chars);
    return this;
  }
  chunkDelay(ms: number): ReplyBuilder {
    this.#r.chunkDelayMs = ms;
    return this;
  }
  finishReason(reason: string): ReplyBuilder {
    this.#r.finishReason = reason;
    return this;
  }
  header(name: string, value: string): ReplyBuilder {
    this.#r.headers[name.toLowerCase()] = value;
    return this;
  }
  build(): Reply {
    return {
      ...this.#r,
      headers: { ...this.#r.headers },
      ...(this.#r.usage ? { usage: { ...this.#r.usage } } : {}),
      ...(this.#r.error ? { error: { ...this.#r.error } } : {}),
    };
  }
}

function base(kind: ReplyKind, status: number): Reply {
  return { kind, content: "", status, delayMs: 0, chunkSize: 20, chunkDelayMs: 0, finishReason: "stop", headers: {} };
}

/** LiteLLM-ish default `type` for an error status. */
function defaultErrorType(status: number): string {
  if (status === 400) return "invalid_request_error";
  if (status === 401) return "auth_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 408) return "timeout_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "internal_server_error";
  return "api_error";
}

export const reply = {
  /** 200 chat completion (JSON or SSE, following the request's `stream`) with this content. */
  text(content: string): ReplyBuilder {
    return new Builder({ ...base("text", 200), content });
  },
  /** OpenAI/LiteLLM-style error: status + `{"error":{"message","type","param","code"}}`. */
  error(
    status: number,
    message: string,
    opts: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
  ): ReplyBuilder {
    const b = new Builder({
      ...base("error", status),
      error: {
        message,
        type: opts.type ?? defaultErrorType(status),
        param: opts.param ?? null,
        code: opts.code === undefined ? String(status) : opts.code,
      },
    });
    for (const [k, v] of Object.entries(opts.headers ?? {})) b.header(k, v);
    return b;
  },
  /** LiteLLM router's 429 when the deployment is cooling down; sets `retry-after`. */
  rateLimited(retryAfterSeconds = 1, model = "unknown"): ReplyBuilder {
    return reply.error(
      429,
      `No deployments available for selected model, Try again in ${retryAfterSeconds} seconds. Passed model=${model}. pre-call-checks=False, allowed_model_region=n/a.`,
      { type: "None", code: "429", headers: { "retry-after": String(retryAfterSeconds) } },
    );
  },
  /** Any status and body verbatim (e.g. an HTML 502 from a broken proxy). */
  raw(status: number, body: string, contentType = "text/plain"): ReplyBuilder {
    return new Builder({ ...base("raw", status), content: body }).header("content-type", contentType);
  },
  /** Accept the request and never answer (until the client disconnects or the server stops). */
  hang(): ReplyBuilder {
    return new Builder(base("hang", 0));
  },
  /** Destroy the connection without any response. */
  drop(): ReplyBuilder {
    return new Builder(base("drop", 0));
  },
};

function toReply(r: Reply | ReplyBuilder): Reply {
  return r instanceof Builder ? r.build() : "build" in r && typeof r.build === "function" ? r.build() : (r as Reply);
}

// ---------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------

export interface RecordedRequest {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: string }>;
  /** Parsed JSON body (null when the body was not valid JSON). */
  body: any;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  receivedAt: number;
  /** Request path, e.g. "/v1/chat/completions". */
  path: string;
  /** 0-based arrival index. */
  index: number;
}

type HandlerResult = Reply | ReplyBuilder | undefined;

export interface ModelServer extends AsyncDisposable {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** Chat-completion requests, in arrival order. */
  requests: RecordedRequest[];
  /** FIFO per model name; "*" = any model (used when the model's own queue is empty). */
  enqueue(model: string | "*", ...replies: Array<Reply | ReplyBuilder>): void;
  /** Dynamic scripting, consulted (in registration order) before the queues. May be async. */
  onRequest(handler: (req: RecordedRequest) => HandlerResult | Promise<HandlerResult>): void;
  /** Replies still queued (per model, or all). */
  pending(model?: string): number;
  /** Highest number of concurrent in-flight chat requests seen (per model, or overall). */
  maxInFlight(model?: string): number;
  inFlight(model?: string): number;
  /** Resolves when >= n chat requests were received (rejects after timeoutMs, default 10 s). */
  waitForRequests(n: number, opts?: { timeoutMs?: number }): Promise<void>;
  /** Resolves when `predicate()` holds; re-checked on every request arrival / completion. */
  waitFor(predicate: () => boolean, opts?: { timeoutMs?: number; what?: string }): Promise<void>;
  /** Toggle the health endpoints at runtime. */
  setHealthy(healthy: boolean): void;
  stop(): Promise<void>;
}

export interface ModelServerOptions {
  /** Known model names; default ["fast-coder","deep-coder","reviewer"]. */
  models?: string[];
  /** When set, requests need "Authorization: Bearer <key>". */
  apiKey?: string;
  /** Used when no handler/queue matches; absent => 500 "no scripted reply for model X". */
  defaultReply?: Reply | ReplyBuilder;
  /** Public port; default 0 (random). */
  port?: number;
  /** Default true. false => health endpoints answer 503. */
  health?: boolean;
}

/** One client connection of the pass-through and its backend connection. */
type Pipe = {
  client: Socket<Pipe>;
  upstream?: Socket<Pipe>;
  key?: number;
  toClient: Uint8Array[];
  toUpstream: Uint8Array[];
  closed: boolean;
  endClientWhenFlushed: boolean;
};

/** Write with backpressure: bytes the socket did not take wait in `queue` for drain(). */
function send(sock: Socket<Pipe>, queue: Uint8Array[], chunk: Uint8Array): void {
  if (queue.length > 0) {
    queue.push(chunk.slice());
    return;
  }
  const n = sock.write(chunk);
  if (n < chunk.byteLength) queue.push(chunk.slice(Math.max(0, n)));
}

function flush(sock: Socket<Pipe>, queue: Uint8Array[]): void {
  while (queue.length > 0) {
    const head = queue[0]!;
    const n = sock.write(head);
    if (n < head.byteLength) {
      queue[0] = head.slice(Math.max(0, n));
      return;
    }
    queue.shift();
  }
}

const DEFAULT_MODELS = ["fast-coder", "deep-coder", "reviewer"];
const enc = new TextEncoder();

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorBody(message: string, type: string, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}

function contentToString(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === "object" && typeof (p as any).text === "string" ? (p as any).text : ""))
      .join("");
  }
  return content == null ? "" : JSON.stringify(content);
}

/** Sleep that resolves early (returning false) when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Wait for a promise or an abort; false when aborted first. */
function race(p: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(!signal.aborted);
      },
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(!signal.aborted);
      },
    );
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function completionId(): string {
  return `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

export async function startModelServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const models = opts.models ?? DEFAULT_MODELS;
  const apiKey = opts.apiKey;
  const defaultReply = opts.defaultReply ? toReply(opts.defaultReply) : undefined;
  let healthy = opts.health ?? true;

  const requests: RecordedRequest[] = [];
  const queues = new Map<string, Reply[]>();
  const handlers: Array<(req: RecordedRequest) => HandlerResult | Promise<HandlerResult>> = [];
  const inFlightBy = new Map<string, number>();
  const maxBy = new Map<string, number>();
  let inFlightAll = 0;
  let maxAll = 0;
  const stopController = new AbortController();
  const waiters = new Set<{ check: () => void }>();
  let stopped = false;

  const notify = () => {
    for (const w of [...waiters]) w.check();
  };

  // ---- in-flight accounting ------------------------------------------------------------
  function acquire(model: string): () => void {
    inFlightAll++;
    maxAll = Math.max(maxAll, inFlightAll);
    const n = (inFlightBy.get(model) ?? 0) + 1;
    inFlightBy.set(model, n);
    maxBy.set(model, Math.max(maxBy.get(model) ?? 0, n));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlightAll--;
      inFlightBy.set(model, (inFlightBy.get(model) ?? 1) - 1);
      notify();
    };
  }

  // ---- TCP pass-through (for drop) -----------------------------------------------------
  // key: local port of the pass-through's upstream socket == remote port Bun.serve sees.
  const pairs = new Map<number, Pipe>();
  const pipes = new Set<Pipe>();

  function closePipe(pipe: Pipe, abrupt: boolean): void {
    if (pipe.closed) return;
    pipe.closed = true;
    pipes.delete(pipe);
    if (pipe.key !== undefined) pairs.delete(pipe.key);
    if (abrupt) {
      pipe.client.terminate();
      pipe.upstream?.terminate();
    } else {
      pipe.client.end();
      pipe.upstream?.end();
    }
  }

  function dropConnection(upstreamPort: number | undefined): void {
    const pipe = upstreamPort === undefined ? undefined : pairs.get(upstreamPort);
    if (pipe) closePipe(pipe, true);
  }

  // ---- reply selection -----------------------------------------------------------------
  async function pickReply(rec: RecordedRequest): Promise<Reply | undefined> {
    for (const h of handlers) {
      const r = await h(rec);
      if (r !== undefined) return toReply(r);
    }
    const own = queues.get(rec.model);
    if (own && own.length > 0) return own.shift();
    const any = queues.get("*");
    if (any && any.length > 0) return any.shift();
    return defaultReply ? { ...defaultReply, headers: { ...defaultReply.headers } } : undefined;
  }

  // ---- chat completion rendering -------------------------------------------------------
  function usageFor(r: Reply, rec: RecordedRequest) {
    const prompt =
      r.usage?.prompt_tokens ?? Math.ceil(rec.messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const completion = r.usage?.completion_tokens ?? Math.ceil(r.content.length / 4);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  function streamResponse(r: Reply, rec: RecordedRequest, signal: AbortSignal, release: () => void): Response {
    const id = completionId();
    const created = Math.floor(Date.now() / 1000);
    const includeUsage = rec.body?.stream_options?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      enc.encode(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: rec.model, choices, ...extra })}\n\n`,
      );
    const pieces: string[] = [];
    for (let i = 0; i < r.content.length; i += r.chunkSize) pieces.push(r.content.slice(i, i + r.chunkSize));

    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = async (bytes: Uint8Array, first = false) => {
          if (!first && !(await sleep(r.chunkDelayMs, signal))) return false;
          if (signal.aborted) return false;
          controller.enqueue(bytes);
          return true;
        };
        try {
          if (!(await send(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]), true)))
            return;
          let sent = 0;
          for (const piece of pieces) {
            if (r.stallAfter !== undefined && sent >= r.stallAfter) break;
            if (!(await send(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }])))) return;
            sent++;
          }
          if (r.stallAfter !== undefined) {
            // Go silent with the connection open until the client (or stop()) gives up.
            await untilAborted(signal);
            return;
          }
          if (!(await send(chunk([{ index: 0, delta: {}, finish_reason: r.finishReason }])))) return;
          if (includeUsage && !(await send(chunk([], { usage: usageFor(r, rec) })))) return;
          if (!(await send(enc.encode("data: [DONE]\n\n")))) return;
          controller.close();
        } catch {
          // controller already closed/errored by a client abort: nothing to do
        } finally {
          release();
        }
      },
      cancel() {
        release();
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
        ...r.headers,
      },
    });
  }

  function jsonCompletion(r: Reply, rec: RecordedRequest): Response {
    return jsonResponse(
      200,
      {
        id: completionId(),
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: rec.model,
        choices: [
          { index: 0, message: { role: "assistant", content: r.content }, finish_reason: r.finishReason },
        ],
        usage: usageFor(r, rec),
      },
      r.headers,
    );
  }

  // ---- request handling ----------------------------------------------------------------
  function authError(req: Request): Response | undefined {
    if (apiKey === undefined) return undefined;
    const h = req.headers.get("authorization") ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(h.trim());
    if (m && m[1] === apiKey) return undefined;
    const message = m
      ? `Authentication Error, Invalid proxy server token passed. Received API Key = ${m[1]!.slice(0, 3)}...${m[1]!.slice(-4)}, Key Hash (Token) =unknown. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``
      : "Authentication Error, Invalid proxy server token passed. No api key passed in.";
    return jsonResponse(401, errorBody(message, "auth_error", "None", "401"));
  }

  async function handleChat(req: Request, server: Bun.Server<unknown>): Promise<Response> {
    const receivedAt = Date.now();
    const upstreamPort = server.requestIP(req)?.port;
    const signal = AbortSignal.any([req.signal, stopController.signal]);
    const text = await req.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    const model = body && typeof body.model === "string" ? body.model : "";
    const rec: RecordedRequest = {
      model,
      stream: body?.stream === true,
      messages: Array.isArray(body?.messages)
        ? body.messages.map((m: any) => ({ role: String(m?.role ?? ""), content: contentToString(m?.content) }))
        : [],
      body,
      headers,
      receivedAt,
      path: new URL(req.url).pathname,
      index: requests.length,
    };
    const release = acquire(model);
    requests.push(rec);
    notify();
    let streaming = false;
    try {
      const denied = authError(req);
      if (denied) return denied;
      if (body === null || typeof body !== "object") {
        return jsonResponse(
          400,
          errorBody("Invalid JSON payload received in request body.", "invalid_request_error", null, "400"),
        );
      }
      if (!models.includes(model)) {
        return jsonResponse(
          400,
          errorBody(
            `Invalid model name passed in model=${model}. Call \`/v1/models\` to view available models for your key.`,
            "invalid_request_error",
            "model",
            "400",
          ),
        );
      }

      const r = await pickReply(rec);
      if (!r) {
        return jsonResponse(
          500,
          errorBody(
            `model-server: no scripted reply for model ${model} (request #${rec.index}); enqueue() one, use onRequest() or pass defaultReply`,
            "internal_server_error",
            null,
            "500",
          ),
          { "x-should-retry": "false" },
        );
      }

      if (!(await sleep(r.delayMs, signal))) return new Response(null, { status: 499 });
      if (r.gate && !(await race(r.gate, signal))) return new Response(null, { status: 499 });

      switch (r.kind) {
        case "hang":
          await untilAborted(signal);
          return new Response(null, { status: 499 });
        case "drop":
          dropConnection(upstreamPort);
          await untilAborted(signal);
          return new Response(null, { status: 499 });
        case "error":
          return jsonResponse(r.status, { error: r.error }, r.headers);
        case "raw":
          return new Response(r.content, { status: r.status, headers: r.headers });
        case "text":
          if (rec.stream) {
            streaming = true;
            return streamResponse(r, rec, signal, release);
          }
          if (r.stallAfter !== undefined) {
            // Non-streaming stall: headers go out, the body never finishes.
            streaming = true;
            const stalled = new ReadableStream<Uint8Array>({
              async start(controller) {
                controller.enqueue(enc.encode(`{"id":"${completionId()}","object":"chat.completion",`));
                await untilAborted(signal);
                release();
              },
              cancel() {
                release();
              },
            });
            return new Response(stalled, {
              status: 200,
              headers: { "content-type": "application/json", ...r.headers },
            });
          }
          return jsonCompletion(r, rec);
      }
      return jsonResponse(500, errorBody(`unknown reply kind`, "internal_server_error", null, "500"));
    } finally {
      if (!streaming) release();
    }
  }

  function handleModels(req: Request): Response {
    const denied = authError(req);
    if (denied) return denied;
    const created = Math.floor(Date.now() / 1000);
    return jsonResponse(200, {
      object: "list",
      data: models.map((id) => ({ id, object: "model", created, owned_by: "openai" })),
    });
  }

  const backend = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0, // hang()/stallAfter() must not be cut by Bun's 10 s idle timeout
    development: false,
    async fetch(req, server) {
      const { pathname } = new URL(req.url);
      const path = pathname.replace(/\/+$/, "") || "/";
      if (path === "/v1/chat/completions" || path === "/chat/completions") {
        if (req.method !== "POST") return jsonResponse(405, { detail: "Method Not Allowed" });
        return handleChat(req, server);
      }
      if (path === "/v1/models" || path === "/models") {
        if (req.method !== "GET") return jsonResponse(405, { detail: "Method Not Allowed" });
        return handleModels(req);
      }
      if (path === "/health/liveliness" || path === "/health/liveness") {
        // LiteLLM (FastAPI) returns the JSON string "I'm alive!"
        return healthy
          ? jsonResponse(200, "I'm alive!")
          : jsonResponse(503, errorBody("model-server: unhealthy", "service_unavailable", null, "503"));
      }
      if (path === "/health/readiness") {
        return healthy
          ? jsonResponse(200, { status: "healthy", db: "Not connected", cache: null, litellm_version: "model-server" })
          : jsonResponse(503, errorBody("model-server: unhealthy", "service_unavailable", null, "503"));
      }
      return jsonResponse(404, { detail: "Not Found" });
    },
    error(err) {
      return jsonResponse(500, errorBody(`model-server crashed: ${String(err)}`, "internal_server_error", null, "500"));
    },
  });
  const backendPort = backend.port!;

  const proxy = Bun.listen<Pipe>({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    socket: {
      open(client) {
        const pipe: Pipe = { client, toClient: [], toUpstream: [], closed: false, endClientWhenFlushed: false };
        client.data = pipe;
        pipes.add(pipe);
        Bun.connect<Pipe>({
          hostname: "127.0.0.1",
          port: backendPort,
          data: pipe,
          socket: {
            open(up) {
              if (pipe.closed) {
                up.terminate();
                return;
              }
              pipe.upstream = up;
              pipe.key = up.localPort;
              pairs.set(up.localPort, pipe);
              flush(up, pipe.toUpstream);
            },
            data(_up, chunk) {
              if (!pipe.closed) send(pipe.client, pipe.toClient, chunk);
            },
            drain(up) {
              flush(up, pipe.toUpstream);
            },
            close() {
              // Backend finished (or was stopped): pass the close on once pending bytes are out.
              if (pipe.toClient.length === 0) closePipe(pipe, false);
              else pipe.endClientWhenFlushed = true;
            },
            error() {
              closePipe(pipe, true);
            },
            connectError() {
              closePipe(pipe, true);
            },
          },
        }).catch(() => closePipe(pipe, true));
      },
      data(client, chunk) {
        const pipe = client.data;
        if (pipe.closed) return;
        if (pipe.upstream) send(pipe.upstream, pipe.toUpstream, chunk);
        else pipe.toUpstream.push(chunk.slice());
      },
      drain(client) {
        const pipe = client.data;
        flush(client, pipe.toClient);
        if (pipe.endClientWhenFlushed && pipe.toClient.length === 0) closePipe(pipe, false);
      },
      close(client) {
        closePipe(client.data, true);
      },
      error(client) {
        closePipe(client.data, true);
      },
    },
  });
  const port = proxy.port;
  const origin = `http://127.0.0.1:${port}`;

  function waitFor(predicate: () => boolean, o: { timeoutMs?: number; what?: string } = {}): Promise<void> {
    if (predicate()) return Promise.resolve();
    if (stopped) return Promise.reject(new Error(`model-server stopped while waiting for ${o.what ?? "condition"}`));
    const timeoutMs = o.timeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const w = {
        check: () => {
          if (stopped) {
            finish();
            reject(new Error(`model-server stopped while waiting for ${o.what ?? "condition"}`));
          } else if (predicate()) {
            finish();
            resolve();
          }
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`model-server: timed out after ${timeoutMs} ms waiting for ${o.what ?? "condition"}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(w);
      };
      waiters.add(w);
    });
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    stopController.abort();
    notify();
    for (const pipe of [...pipes]) closePipe(pipe, true);
    proxy.stop(true);
    await backend.stop(true);
  }

  const ms: ModelServer = {
    url: `${origin}/v1`,
    origin,
    port,
    requests,
    enqueue(model, ...replies) {
      const q = queues.get(model) ?? [];
      for (const r of replies) q.push(toReply(r));
      queues.set(model, q);
    },
    onRequest(handler) {
      handlers.push(handler);
    },
    pending(model) {
      if (model !== undefined) return queues.get(model)?.length ?? 0;
      let n = 0;
      for (const q of queues.values()) n += q.length;
      return n;
    },
    maxInFlight(model) {
      return model === undefined ? maxAll : (maxBy.get(model) ?? 0);
    },
    inFlight(model) {
      return model === undefined ? inFlightAll : (inFlightBy.get(model) ?? 0);
    },
    waitForRequests(n, o = {}) {
      return waitFor(() => requests.length >= n, { ...o, what: `${n} request(s)` }).catch((e: Error) => {
        throw new Error(`${e.message} (got ${requests.length})`);
      });
    },
    waitFor,
    setHealthy(h) {
      healthy = h;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
  return ms;
}
