// A stand-in for Ollama's native API, for the tests and benches that run the real LiteLLM proxy in
// front of it: POST /api/chat (streaming NDJSON and not), GET /api/tags, POST /api/show,
// GET /api/version and GET /, with Ollama's real error bodies and status codes (read from its
// server/routes.go and recorded from a real Ollama 0.17). It records every request, counts the
// generations running at once per model (from the request to its last chunk), and can be taken
// down and brought back on the same port, as Ollama is when it stops.
import { findModel, notFoundBody, PROJECT_MODELS, showBody, STANDIN_VERSION, tagsBody } from "./catalog.ts";
import { answerChat, sendJson, type ChatCall } from "./chat.ts";
import { ollamaReply, toScript, type ChatScript, type ChatScriptLike } from "./script.ts";
import { serveWire, type WireRequest, type WireResponse, type WireServer } from "./wire.ts";

export interface OllamaRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON (undefined without a body). */
  body: any;
  index: number;
}

export interface OllamaStandIn extends AsyncDisposable {
  /** http://127.0.0.1:PORT, what OLLAMA_API_BASE is set to. */
  url: string;
  port: number;
  /** Every request, in arrival order. */
  requests: OllamaRequest[];
  /** The /api/chat requests. */
  chats(): OllamaRequest[];
  /** Scripts per Ollama model name, first in first out; "*" serves any model. */
  enqueue(model: string, ...scripts: ChatScriptLike[]): void;
  /** Consulted before the queues, in the order added; undefined passes to the next. */
  onChat(handler: (call: ChatCall) => ChatScriptLike | undefined): void;
  /** Forgets the scripts and handlers (not the requests or counts). */
  resetScripts(): void;
  /** The models "pulled": a chat for any other answers 404 model not found. */
  readonly models: Set<string>;
  /** Generations running now / the most at once, per Ollama model (or all). */
  active(model?: string): number;
  maxActive(model?: string): number;
  resetCounts(): void;
  /** Resolves when the predicate holds, checked at every request and every generation's start and end. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Down: the port refuses connections. Up: serving again on the same port. */
  down(): void;
  up(): void;
  stop(): Promise<void>;
}

export interface StandInOptions {
  port?: number;
  /** Default: the three models litellm/config.yaml names. */
  models?: readonly string[];
  /** For a chat with no script: default a short text. */
  defaultScript?: ChatScriptLike;
}

export async function startOllamaStandIn(options: StandInOptions = {}): Promise<OllamaStandIn> {
  const models = new Set(options.models ?? PROJECT_MODELS);
  const requests: OllamaRequest[] = [];
  const queues = new Map<string, ChatScript[]>();
  let handlers: Array<(call: ChatCall) => ChatScriptLike | undefined> = [];
  const fallback = toScript(options.defaultScript ?? ollamaReply.text("Hello from the Ollama stand-in."));
  const active = new Map<string, number>();
  const most = new Map<string, number>();
  let activeAll = 0;
  let mostAll = 0;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const check of [...waiters]) check();
  };

  function startGeneration(model: string): () => void {
    activeAll++;
    mostAll = Math.max(mostAll, activeAll);
    active.set(model, (active.get(model) ?? 0) + 1);
    most.set(model, Math.max(most.get(model) ?? 0, active.get(model)!));
    notify();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      activeAll--;
      active.set(model, active.get(model)! - 1);
      notify();
    };
  }

  function scriptFor(call: ChatCall): ChatScript {
    for (const handler of handlers) {
      const script = handler(call);
      if (script) return toScript(script);
    }
    return queues.get(call.model)?.shift() ?? queues.get("*")?.shift() ?? fallback;
  }

  async function handle(req: WireRequest, res: WireResponse): Promise<void> {
    const body = parseBody(req.body);
    requests.push({ method: req.method, path: req.path, headers: req.headers, body, index: requests.length });
    notify();
    const route = `${req.method} ${req.path.split("?")[0]}`;
    switch (route) {
      case "GET /":
      case "HEAD /":
        res.head(200, { "Content-Type": "text/plain; charset=utf-8" }, 17);
        res.write("Ollama is running");
        return res.end();
      case "GET /api/version":
      case "HEAD /api/version":
        return sendJson(res, 200, { version: STANDIN_VERSION });
      case "GET /api/tags":
      case "HEAD /api/tags":
        return sendJson(res, 200, tagsBody(models));
      case "POST /api/show": {
        const name = body?.model || body?.name;
        if (typeof name !== "string" || name === "") return sendJson(res, 400, { error: "model is required" });
        const found = findModel(models, name);
        return found ? sendJson(res, 200, showBody(found)) : sendJson(res, 404, notFoundBody(name));
      }
      case "POST /api/chat":
        return chat(body, res);
      default:
        // gin's NoRoute answer.
        res.head(404, { "Content-Type": "text/plain" }, 18);
        res.write("404 page not found");
        return res.end();
    }
  }

  async function chat(body: any, res: WireResponse): Promise<void> {
    if (typeof body !== "object" || body === null) return sendJson(res, 400, { error: "unexpected EOF" });
    if (typeof body.model !== "string" || body.model === "") return sendJson(res, 400, { error: "model is required" });
    const call: ChatCall = {
      model: body.model,
      stream: body.stream !== false,
      messages: Array.isArray(body.messages) ? body.messages.map((m: any) => ({ role: String(m?.role), content: String(m?.content ?? "") })) : [],
    };
    if (!findModel(models, call.model)) return sendJson(res, 404, notFoundBody(call.model));
    const script = scriptFor(call);
    await answerChat(call, script, res, startGeneration(call.model));
  }

  const port = options.port ?? 0;
  let server: WireServer | null = serveWire(port, handle);
  const boundPort = server.port;

  function waitFor(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`ollama stand-in: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  }

  const stop = async () => {
    server?.stop();
    server = null;
  };
  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    requests,
    chats: () => requests.filter((r) => r.path === "/api/chat"),
    enqueue(model, ...scripts) {
      queues.set(model, [...(queues.get(model) ?? []), ...scripts.map(toScript)]);
    },
    onChat(handler) {
      handlers.push(handler);
    },
    resetScripts() {
      handlers = [];
      queues.clear();
    },
    models,
    active: (model) => (model === undefined ? activeAll : (active.get(model) ?? 0)),
    maxActive: (model) => (model === undefined ? mostAll : (most.get(model) ?? 0)),
    resetCounts() {
      most.clear();
      mostAll = activeAll;
      for (const [model, n] of active) most.set(model, n);
    },
    waitFor,
    down() {
      server?.stop();
      server = null;
    },
    up() {
      server ??= serveWire(boundPort, handle);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function parseBody(text: string): any {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
