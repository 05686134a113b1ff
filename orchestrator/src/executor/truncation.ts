// After a call: did the server cut the prompt? It reports how many prompt tokens it read; far
// fewer than were counted means its window is smaller than the tier's contextWindow (num_ctx not
// set, or set lower than the config says) and the model answered a prompt it only partly saw.
//
// Some Ollama versions report only the prompt tokens they did not have in their prompt cache
// (ollama/ollama#2068, #3427, #5370), so a cache hit looks like a cut. The part of a prompt that
// may be cached is therefore not expected in the report: the system message (the same in every
// prompt) and, on a retry at the same model, the start this prompt shares with the one before.
// A cut is still caught on a tier's first call, where only the system message can be cached.
import type { ChatMessage } from "./prompt.ts";

/** With an exact count a correct server reports the same number; below this share it cut the prompt. */
const EXACT_RATIO = 0.9;
/** The estimate over-counts, up to about 2.5x on the densest files. */
const ESTIMATE_RATIO = 0.4;

export interface TruncationCheck {
  /** Prompt tokens as counted before sending. */
  tokens: number;
  /** Counted with the model's own tokenizer (rather than estimated). */
  exact: boolean;
  /** Tokens at the start of the prompt the server may have had cached. */
  cacheable: number;
  /** What the server says it read. */
  reported: number;
}

export function looksTruncated(c: TruncationCheck): boolean {
  if (c.reported <= 0) return false;
  const expected = Math.max(0, c.tokens - c.cacheable);
  return c.reported < expected * (c.exact ? EXACT_RATIO : ESTIMATE_RATIO);
}

/** The tokens a server may have cached: the system message, or the start shared with `before`. */
export function cacheableTokens(messages: readonly ChatMessage[], tokens: number, systemTokens: number, before: readonly ChatMessage[] | null): number {
  if (!before) return systemTokens;
  const now = flatten(messages);
  const then = flatten(before);
  let shared = 0;
  while (shared < now.length && now.charCodeAt(shared) === then.charCodeAt(shared)) shared++;
  // Tokens in proportion to characters: a threshold needs no more precision than that.
  return Math.max(systemTokens, Math.floor((tokens * shared) / Math.max(1, now.length)));
}

function flatten(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `${m.role}\n${m.content}\n`).join("");
}
