// The scripted OpenAI-compatible server: it stands in for the LiteLLM proxy in front of Ollama and
// answers as the real one does (testing/fixtures/proxy/ holds the real proxy's answers), so
// product code talks to it through the real `openai` SDK, and a separate CLI process over HTTP.
// Every startModelServer() call is independent: no module-level state.
import { fixtureAnswer, projectModels, type Moment } from "./litellm-format.ts";
import { startPassThrough } from "./pass-through.ts";
import { renderText, sleep, untilAborted } from "./render.ts";
import { toReply, type Reply, type ReplyBuilder } from "./reply.ts";

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
  /** Known model names; default the model_names of litellm/config.yaml. */
  models?: string[];
  /** When set, requests need "Authorization: Bearer <key>" (LiteLLM's master key, no database). */
  apiKey?: string;
  /** Used when no handler/queue matches; absent => 500 "no scripted reply for model X". */
  defaultReply?: Reply | ReplyBuilder;
  /** Public port; default 0 (random). */
  port?: number;
  /** Default true. false => health endpoints answer 503. */
  health?: boolean;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function errorBody(message: string, type: string | null, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}

function contentToString(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === "string" ? p.text : "")).join("");
  return content == null ? "" : JSON.stringify(content);
}

/** Wait for a promise or an abort; false when aborted first. */
function race(p: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      signal.removeEventListener("abort", onAbort);
      resolve(!signal.aborted);
    };
    p.then(settle, settle);
  });
}

export async function startModelServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const ollamaModels = projectModels();
  const models = opts.models ?? [...ollamaModels.keys()];
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
  let port = 0;
  const notify = () => {
    for (const w of [...waiters]) w.check();
  };
  const moment = (model: string, seconds?: number): Moment => ({ model, ollamaModel: ollamaModels.get(model) ?? model, port, seconds });
  const fixture = (name: Parameters<typeof fixtureAnswer>[0], m: Moment) => {
    const a = fixtureAnswer(name, m);
    return new Response(a.body, { status: a.status, headers: a.headers });
  };

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

  async function pickReply(rec: RecordedRequest): Promise<Reply | undefined> {
    for (const h of handlers) {
      const r = await h(rec);
      if (r !== undefined) return toReply(r);
    }
    const next = queues.get(rec.model)?.shift() ?? queues.get("*")?.shift();
    return next ?? (defaultReply ? { ...defaultReply, headers: { ...defaultReply.headers } } : undefined);
  }

  /** LiteLLM without a database: no header 401, a malformed one 401, any key but the master key 400 "No connected db.". */
  function authError(req: Request, m: Moment): Response | undefined {
    if (opts.apiKey === undefined) return undefined;
    const h = (req.headers.get("authorization") ?? "").trim();
    if (h === "") return fixture("no-key", m);
    const bearer = /^Bearer\s+(.+)$/i.exec(h);
    if (!bearer) return json(401, errorBody("Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.", "auth_error", "None", "401"));
    return bearer[1] === opts.apiKey ? undefined : fixture("wrong-key", m);
  }

  async function handleChat(req: Request, server: Bun.Server<unknown>): Promise<Response> {
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
    req.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const model = typeof body?.model === "string" ? body.model : "";
    const messages = Array.isArray(body?.messages) ? body.messages.map((m: any) => ({ role: String(m?.role ?? ""), content: contentToString(m?.content) })) : [];
    const rec: RecordedRequest = { model, stream: body?.stream === true, messages, body, headers, receivedAt: Date.now(), path: new URL(req.url).pathname, index: requests.length };
    const release = acquire(model);
    requests.push(rec);
    notify();
    let streaming = false;
    try {
      const denied = authError(req, moment(model));
      if (denied) return denied;
      if (body === null || typeof body !== "object") return json(400, errorBody("Invalid JSON payload received in request body.", "invalid_request_error", null, "400"));
      if (!models.includes(model)) return fixture("unknown-model", moment(model));
      const r = await pickReply(rec);
      if (!r) {
        const message = `model-server: no scripted reply for model ${model} (request #${rec.index}); enqueue() one, use onRequest() or pass defaultReply`;
        return json(500, errorBody(message, "internal_server_error", null, "500"), { "x-should-retry": "false" });
      }
      if (!(await sleep(r.delayMs, signal))) return new Response(null, { status: 499 });
      if (r.gate && !(await race(r.gate, signal))) return new Response(null, { status: 499 });
      switch (r.kind) {
        case "hang":
          await untilAborted(signal);
          return new Response(null, { status: 499 });
        case "drop":
          passThrough.drop(upstreamPort);
          await untilAborted(signal);
          return new Response(null, { status: 499 });
        case "error":
          return json(r.status, { error: r.error }, r.headers);
        case "fixture":
          return fixture(r.fixture!, moment(model, r.seconds));
        case "raw":
          return new Response(r.content, { status: r.status, headers: r.headers });
        case "text": {
          streaming = true;
          const promptChars = messages.reduce((n: number, m: { content: string }) => n + m.content.length, 0);
          const includeUsage = body?.stream_options?.include_usage === true;
          return renderText(r, { stream: rec.stream, includeUsage, promptChars }, moment(model), signal, release);
        }
      }
      return json(500, errorBody(`model-server: unknown reply kind ${r.kind}`, "internal_server_error", null, "500"));
    } finally {
      if (!streaming) release();
    }
  }

  function handleModels(req: Request, info: boolean): Response {
    const denied = authError(req, moment(""));
    if (denied) return denied;
    if (!info) return json(200, { data: models.map((id) => ({ id, object: "model", created: 1677610602, owned_by: "openai" })), object: "list" });
    // /v1/model/info: which Ollama model each name maps to, as LiteLLM lists its model_list.
    const data = models.map((model_name) => ({ model_name, litellm_params: { model: `ollama_chat/${ollamaModels.get(model_name) ?? model_name}` }, model_info: { id: model_name } }));
    return json(200, { data });
  }

  const backend = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0, // hang()/stallAfter() must not be cut by Bun's 10 s idle timeout
    development: false,
    async fetch(req, server) {
      const path = new URL(req.url).pathname.replace(/\/+$/, "") || "/";
      if (path === "/v1/chat/completions" || path === "/chat/completions") {
        if (req.method !== "POST") return json(405, { detail: "Method Not Allowed" });
        return handleChat(req, server);
      }
      if (path === "/v1/models" || path === "/models") return handleModels(req, false);
      if (path === "/v1/model/info" || path === "/model/info") return handleModels(req, true);
      if (path === "/health/liveliness" || path === "/health/liveness") {
        return healthy ? json(200, "I'm alive!") : json(503, errorBody("model-server: unhealthy", "service_unavailable", null, "503"));
      }
      if (path === "/health/readiness") {
        return healthy
          ? json(200, { status: "healthy", db: "Not connected", cache: null, litellm_version: "model-server" })
          : json(503, errorBody("model-server: unhealthy", "service_unavailable", null, "503"));
      }
      return json(404, { detail: "Not Found" });
    },
    error(err) {
      return json(500, errorBody(`model-server crashed: ${String(err)}`, "internal_server_error", null, "500"));
    },
  });
  const passThrough = startPassThrough(opts.port ?? 0, backend.port!);
  port = passThrough.port;
  const origin = `http://127.0.0.1:${port}`;

  function waitFor(predicate: () => boolean, o: { timeoutMs?: number; what?: string } = {}): Promise<void> {
    const what = o.what ?? "condition";
    if (predicate()) return Promise.resolve();
    if (stopped) return Promise.reject(new Error(`model-server stopped while waiting for ${what}`));
    const timeoutMs = o.timeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const w = {
        check: () => {
          if (stopped) {
            finish();
            reject(new Error(`model-server stopped while waiting for ${what}`));
          } else if (predicate()) {
            finish();
            resolve();
          }
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`model-server: timed out after ${timeoutMs} ms waiting for ${what}`));
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
    passThrough.stop();
    await backend.stop(true);
  }

  return {
    url: `${origin}/v1`,
    origin,
    port,
    requests,
    enqueue(model, ...replies) {
      queues.set(model, [...(queues.get(model) ?? []), ...replies.map(toReply)]);
    },
    onRequest(handler) {
      handlers.push(handler);
    },
    pending(model) {
      if (model !== undefined) return queues.get(model)?.length ?? 0;
      return [...queues.values()].reduce((n, q) => n + q.length, 0);
    },
    maxInFlight: (model) => (model === undefined ? maxAll : (maxBy.get(model) ?? 0)),
    inFlight: (model) => (model === undefined ? inFlightAll : (inFlightBy.get(model) ?? 0)),
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
}
