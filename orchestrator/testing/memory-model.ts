// An in-memory model client for loop tests: scripted replies per model name, every request
// recorded. It stands in for the HTTP client (src/executor/model-client.ts) only, so the
// prompt, budget, edit planning and everything after them run as they do for real.
import type { ModelClient, ModelFailureReason, ModelRequest, ModelResult } from "../src/executor/model-client.ts";

export type MemoryReply =
  | { kind: "text"; content: string; usage?: { prompt: number; completion: number }; finishReason?: string | null }
  | { kind: "fail"; reason: ModelFailureReason; status: number | null; message: string }
  | { kind: "from"; reply: (request: ModelRequest) => MemoryReply };

export const memoryReply = {
  text(content: string, usage?: { prompt: number; completion: number }): MemoryReply {
    return { kind: "text", content, usage };
  },
  /** A reply that stopped at max_tokens (finish_reason "length"). */
  cutOff(content: string, usage?: { prompt: number; completion: number }): MemoryReply {
    return { kind: "text", content, usage, finishReason: "length" };
  },
  fail(reason: ModelFailureReason, message: string = reason, status: number | null = null): MemoryReply {
    return { kind: "fail", reason, status, message };
  },
  /** A reply written from the request, as a model writes it from what its prompt shows. */
  from(reply: (request: ModelRequest) => MemoryReply): MemoryReply {
    return { kind: "from", reply };
  },
};

export interface MemoryModel extends ModelClient {
  /** Every request in the order it arrived. */
  readonly requests: ModelRequest[];
  /** Queue replies for a model name; each request takes the next one. */
  enqueue(model: string, ...replies: MemoryReply[]): void;
  /** The user prompt of the n-th request (0-based). */
  prompt(n: number): string;
  /** Answers by the request itself (its prompt names the task), ahead of the queues; undefined falls through to them. */
  answer(fn: (request: ModelRequest, prompt: string) => MemoryReply | undefined): void;
}

/** With no reply queued, a request gets `fallback` (by default a reply with no edit in it). */
export function createMemoryModel(fallback: MemoryReply = memoryReply.text("I cannot do that.")): MemoryModel {
  const queues = new Map<string, MemoryReply[]>();
  const requests: ModelRequest[] = [];
  let answerer: ((request: ModelRequest, prompt: string) => MemoryReply | undefined) | null = null;
  return {
    requests,
    answer(fn) {
      answerer = fn;
    },
    enqueue(model, ...replies) {
      queues.set(model, [...(queues.get(model) ?? []), ...replies]);
    },
    prompt(n) {
      const request = requests[n];
      if (!request) throw new Error(`no request #${n}: only ${requests.length} arrived`);
      return request.messages.at(-1)!.content;
    },
    async complete(request: ModelRequest): Promise<ModelResult> {
      requests.push(request);
      let next = answerer?.(request, request.messages.at(-1)!.content) ?? queues.get(request.model)?.shift() ?? fallback;
      while (next.kind === "from") next = next.reply(request);
      if (next.kind === "fail") return { ok: false, reason: next.reason, message: next.message, status: next.status, durationMs: 0 };
      const prompt = next.usage?.prompt ?? Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4);
      const completion = next.usage?.completion ?? Math.ceil(next.content.length / 4);
      return {
        ok: true,
        content: next.content,
        model: request.model,
        finishReason: next.finishReason === undefined ? "stop" : next.finishReason,
        usage: { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion },
        durationMs: 0,
      };
    },
  };
}
