// One /api/chat answer, byte for byte as Ollama's server/routes.go writes it: streaming as NDJSON
// (the default when "stream" is absent), or one JSON object for "stream": false. The final object
// carries done_reason and the Metrics (durations in nanoseconds, prompt_eval_count, eval_count).
import { notFoundBody } from "./catalog.ts";
import type { ChatScript } from "./script.ts";
import type { WireResponse } from "./wire.ts";

/** gin's c.JSON content type. */
const JSON_TYPE = "application/json; charset=utf-8";

export interface ChatCall {
  /** The model as the client named it. */
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: string }>;
}

export function sendJson(res: WireResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.head(status, { "Content-Type": JSON_TYPE }, Buffer.byteLength(text));
  res.write(text);
  res.end();
}

/** Go's time.RFC3339Nano, which Ollama uses for created_at. */
function createdAt(): string {
  const nanos = String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
  return new Date().toISOString().replace(/Z$/, `${nanos}Z`);
}

function split(content: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < content.length; i += size) pieces.push(content.slice(i, i + size));
  return pieces;
}

function promptTokens(call: ChatCall): number {
  return Math.max(1, Math.ceil(call.messages.reduce((n, m) => n + m.content.length + 4, 0) / 4));
}

/** Resolves true after `ms`, or false as soon as the client is gone. */
function wait(ms: number, signal: AbortSignal, gate?: Promise<unknown>): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = new Promise((r) => setTimeout(r, ms));
    void Promise.all([timer, gate?.catch(() => undefined)]).then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(!signal.aborted);
    });
  });
}

/** Answers one chat call; `done()` is called when the generation is over (last chunk, fault or client gone). */
export async function answerChat(call: ChatCall, script: ChatScript, res: WireResponse, done: () => void): Promise<void> {
  const started = performance.now();
  try {
    const { fault } = script;
    if (fault.kind === "hang") {
      await wait(0, res.signal, new Promise(() => {}));
      return res.cut();
    }
    if (!(await wait(script.firstTokenMs, res.signal, script.gate))) return res.cut();
    if (fault.kind === "not_found") return sendJson(res, 404, notFoundBody(call.model));
    if (fault.kind === "error") return sendJson(res, fault.status, { error: fault.message });

    const pieces = split(script.content, script.chunkChars);
    const final = () => ({
      model: call.model,
      created_at: createdAt(),
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: script.doneReason,
      ...metrics(started, promptTokens(call), script, pieces.length),
    });
    if (!call.stream) return await answerWhole(call, script, res, pieces, final);

    res.head(200, { "Content-Type": "application/x-ndjson" });
    for (const [i, piece] of pieces.entries()) {
      if (fault.kind === "break" && i === fault.afterChunks) return await cutAfterFlush(res);
      if (fault.kind === "error_line" && i === fault.afterChunks) {
        res.write(`${JSON.stringify({ error: fault.message })}\n`);
        return res.end();
      }
      if (i > 0 && !(await wait(script.chunkDelayMs, res.signal))) return res.cut();
      res.write(`${JSON.stringify({ model: call.model, created_at: createdAt(), message: { role: "assistant", content: piece }, done: false })}\n`);
    }
    if (fault.kind === "break") return await cutAfterFlush(res);
    res.write(`${JSON.stringify(final())}\n`);
    res.end();
  } finally {
    done();
  }
}

async function answerWhole(
  call: ChatCall,
  script: ChatScript,
  res: WireResponse,
  pieces: string[],
  final: () => Record<string, unknown>,
): Promise<void> {
  const { fault } = script;
  // Without streaming, a runner that dies leaves no answer at all, and an error mid-way is a 500.
  if (fault.kind === "break") return res.cut();
  if (!(await wait(script.chunkDelayMs * Math.max(0, pieces.length - 1), res.signal))) return res.cut();
  if (fault.kind === "error_line") return sendJson(res, 500, { error: fault.message });
  const { message: _empty, ...rest } = final();
  sendJson(res, 200, { model: call.model, created_at: rest.created_at, message: { role: "assistant", content: script.content }, ...rest });
}

async function cutAfterFlush(res: WireResponse): Promise<void> {
  await res.flushed();
  res.cut();
}

function metrics(started: number, prompt: number, script: ChatScript, chunks: number) {
  const total = Math.max(1, Math.round((performance.now() - started) * 1e6));
  return {
    total_duration: total + 1_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: script.promptEvalCount ?? prompt,
    prompt_eval_duration: Math.round(total / 4),
    eval_count: script.evalCount ?? chunks,
    eval_duration: total,
  };
}
