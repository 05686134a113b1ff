// Turns a scripted text reply into the HTTP response LiteLLM would send for it: an SSE stream
// (content deltas, the finish event, the usage event when asked for, [DONE]) or one JSON
// completion, with the proxy's headers. Faults inside a stream (a stall, a break) happen here.
import { closingEvents, completionBody, completionId, contentEvent, fixtureHeaders, fixtureStreamError, loadFixture, type Moment } from "./litellm-format.ts";
import type { Reply } from "./reply.ts";

const enc = new TextEncoder();

export interface TextRequest {
  stream: boolean;
  includeUsage: boolean;
  /** Characters of the prompt, for the usage estimate when none is scripted. */
  promptChars: number;
}

/** Sleep that resolves early (returning false) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
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

export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export function usageFor(r: Reply, req: TextRequest): { prompt_tokens: number; completion_tokens: number } {
  return {
    prompt_tokens: r.usage?.prompt_tokens ?? Math.ceil(req.promptChars / 4),
    completion_tokens: r.usage?.completion_tokens ?? Math.ceil(r.content.length / 4),
  };
}

/** The response for a text reply; `release` is called once the body is done (or abandoned). */
export function renderText(r: Reply, req: TextRequest, m: Moment, signal: AbortSignal, release: () => void): Response {
  if (!req.stream || r.asJson) {
    if (r.stallAfter !== undefined) return stalledJson(r, signal, release);
    release();
    const headers = { ...fixtureHeaders(loadFixture("success-json"), m), ...r.headers };
    return new Response(completionBody(m, r.content, r.finishReason ?? "stop", usageFor(r, req)), { status: 200, headers });
  }
  const pieces: string[] = [];
  for (let i = 0; i < r.content.length; i += r.chunkSize) pieces.push(r.content.slice(i, i + r.chunkSize));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = async (text: string, wait: boolean) => {
        if (wait && !(await sleep(r.chunkDelayMs, signal))) return false;
        if (signal.aborted) return false;
        controller.enqueue(enc.encode(text));
        return true;
      };
      try {
        for (const [i, piece] of pieces.entries()) {
          if (r.stallAfter !== undefined && i >= r.stallAfter) break;
          if (r.breakAfter && i >= r.breakAfter.chunks) break;
          if (!(await send(contentEvent(m, piece, i === 0), i > 0))) return;
        }
        if (r.stallAfter !== undefined) {
          // Go silent with the connection open until the client (or stop()) gives up.
          await untilAborted(signal);
          return;
        }
        if (r.breakAfter) {
          // What LiteLLM (httpx transport) sends when Ollama's stream ends short: an error event, no [DONE].
          if (await send(fixtureStreamError(r.breakAfter.as, m), true)) controller.close();
          return;
        }
        if (r.finishReason !== null && !(await send(closingEvents(m, r.finishReason, req.includeUsage ? usageFor(r, req) : null), true))) return;
        if (await send("data: [DONE]\n\n", false)) controller.close();
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
  const headers = { ...fixtureHeaders(loadFixture("success-stream"), m), ...r.headers };
  return new Response(body, { status: 200, headers });
}

/** Non-streaming stall: headers go out, the body never finishes. */
function stalledJson(r: Reply, signal: AbortSignal, release: () => void): Response {
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
  return new Response(stalled, { status: 200, headers: { "content-type": "application/json", ...r.headers } });
}
