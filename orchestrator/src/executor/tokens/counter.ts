// Counting a prompt's tokens the way the tier's server will. One TokenCounters serves a whole
// process (the CLI makes one and passes it down), so Qwen's tokenizer is loaded at most once, on
// the first prompt, never at start-up.
import type { TokenizerName } from "../../core/types.ts";
import type { ChatMessage } from "../prompt.ts";
import { estimateTemplateTokens, estimateTextTokens } from "./estimate.ts";
import { loadQwenTokenizer, qwenTemplateTokens, renderQwenChat, type CountText } from "./qwen.ts";

export interface TokenCounter {
  readonly tokenizer: TokenizerName;
  /** Tokens of a text inside a message. */
  text(text: string): number;
  /** Tokens the chat template adds around `messages` messages and the reply's opening. */
  template(messages: number): number;
  /** The whole request, template included: exact for qwen2.5, an over-count for the estimate. */
  chat(messages: readonly ChatMessage[]): number;
}

export interface TokenCounters {
  /** The counter for a tokenizer. The first call for qwen2.5 loads it (about 0.3 s). */
  load(name: TokenizerName): Promise<TokenCounter>;
}

export interface TokenCountersOptions {
  /** Injectable for tests; the default loads Qwen's tokenizer from node_modules. */
  loadQwen?: () => Promise<CountText>;
}

/** Texts counted are remembered (a prompt is recounted part by part while it is fitted) up to this many characters. */
const MEMO_CHARS = 4_000_000;

export function createTokenCounters(options: TokenCountersOptions = {}): TokenCounters {
  const loadQwen = options.loadQwen ?? loadQwenTokenizer;
  let qwen: Promise<TokenCounter> | null = null;
  const estimate = estimateCounter();
  return {
    async load(name) {
      if (name === "estimate") return estimate;
      qwen ??= loadQwen().then(
        (count) => qwenCounter(count),
        (err: unknown) => {
          qwen = null; // a later prompt may try again
          throw new Error(
            `cannot load Qwen's tokenizer to count the prompt (${(err as Error)?.message ?? String(err)}). ` +
              `Reinstall with \`bun install --frozen-lockfile\` in orchestrator/, or set the tier's "tokenizer" to "estimate" in smol-coder.config.json.`,
          );
        },
      );
      return qwen;
    },
  };
}

function qwenCounter(count: CountText): TokenCounter {
  const text = memoized(count);
  return {
    tokenizer: "qwen2.5",
    text,
    template: qwenTemplateTokens,
    chat: (messages) => text(renderQwenChat(messages)),
  };
}

function estimateCounter(): TokenCounter {
  return {
    tokenizer: "estimate",
    text: estimateTextTokens,
    template: estimateTemplateTokens,
    chat: (messages) => messages.reduce((n, m) => n + estimateTextTokens(m.content), estimateTemplateTokens(messages.length)),
  };
}

function memoized(count: CountText): CountText {
  const memo = new Map<string, number>();
  let chars = 0;
  return (text) => {
    const hit = memo.get(text);
    if (hit !== undefined) return hit;
    const n = count(text);
    if (chars + text.length > MEMO_CHARS) {
      memo.clear();
      chars = 0;
    }
    memo.set(text, n);
    chars += text.length;
    return n;
  };
}
