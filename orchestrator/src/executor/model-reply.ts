// Reads a 2xx answer to a streamed chat request, whatever form it takes: the SSE stream that was
// asked for, a plain JSON completion (some servers ignore "stream": true), or something that is
// not the OpenAI protocol at all (an HTML page), which no retry or other model would change.
import { classifyStreamError, excerptOf, type Fault } from "./model-faults.ts";

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export type ReadReply =
  | { ok: true; content: string; finishReason: string | null; usage: Usage | undefined }
  | { ok: false; fault: Fault };

/** The stream's events as parsed JSON; an `error` event throws (the SDK's Stream does both). */
export type SseEvents = (response: Response) => AsyncIterable<ChatChunk>;

interface ChatChunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: Usage | null;
}

export async function readReply(response: Response, events: SseEvents, onData: () => void): Promise<ReadReply> {
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "text/event-stream") return readStream(response, events, onData);
  const body = await response.text();
  if (type === "application/json" || type.endsWith("+json")) {
    const whole = readCompletion(body);
    if (whole) return whole;
  }
  return {
    ok: false,
    fault: {
      reason: "protocol",
      message: `not an OpenAI-compatible answer (HTTP ${response.status} ${type || "without a content type"}: ${excerptOf(body) || "(empty body)"})`,
      retryable: false,
    },
  };
}

async function readStream(response: Response, events: SseEvents, onData: () => void): Promise<ReadReply> {
  let content = "";
  let finishReason: string | null = null;
  let usage: Usage | undefined;
  try {
    for await (const chunk of events(response)) {
      onData();
      for (const choice of chunk.choices ?? []) {
        content += choice.delta?.content ?? "";
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
  } catch (err) {
    const e = err as { error?: { message?: unknown; code?: unknown }; message?: unknown };
    if (e?.error && typeof e.error === "object") {
      // The server's own error event, e.g. LiteLLM's {"error": {..., "code": "503"}} when Ollama broke off.
      const message = typeof e.error.message === "string" ? e.error.message : JSON.stringify(e.error);
      return { ok: false, fault: classifyStreamError({ message, code: e.error.code == null ? null : String(e.error.code) }, content.length) };
    }
    const message = typeof e?.message === "string" ? e.message : String(err);
    if (content.length > 0) {
      return { ok: false, fault: { reason: "stream_broken", message: `the reply stream broke off after ${content.length} characters: ${message}`, retryable: false } };
    }
    return { ok: false, fault: { reason: "server_error", message: `the reply stream failed before any reply: ${message}`, retryable: true } };
  }
  return { ok: true, content, finishReason, usage };
}

/** A whole chat.completion object, as a non-streaming answer carries it. */
function readCompletion(body: string): ReadReply | null {
  let json: { choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>; usage?: Usage } | null;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const choice = Array.isArray(json?.choices) ? json.choices[0] : undefined;
  if (!choice || typeof choice.message !== "object") return null;
  const content = typeof choice.message?.content === "string" ? choice.message.content : "";
  const finishReason = typeof choice.finish_reason === "string" ? choice.finish_reason : null;
  return { ok: true, content, finishReason, usage: json?.usage ?? undefined };
}
