// Keeps a prompt inside the tier's context window. Ollama keeps only what fits in num_ctx and
// drops the rest without a word, so a prompt that does not fit must be trimmed or refused here.
import type { ChatMessage } from "./prompt.ts";

/**
 * The estimate rule: one token per 3 characters, plus 4 per message for the chat template.
 * Qwen2.5's tokenizer averages 3.5 to 4 characters a token on TypeScript and English, so
 * dividing by 3 over-counts by 15 to 30 percent. Over-counting is the safe side: it refuses a
 * prompt that would have just fitted rather than letting Ollama cut the start of one that does not.
 */
export const CHARS_PER_TOKEN = 3;
const TOKENS_PER_MESSAGE = 4;

export function estimateTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + countTextTokens(m.content) + TOKENS_PER_MESSAGE, 0);
}

/** The tokens of one piece of text, by the same rule: what the context trimming counts with. */
export function countTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export interface Fit {
  ok: boolean;
  messages: ChatMessage[];
  estimate: number;
  /** Tokens available for the prompt: the window less the reply's max tokens. */
  available: number;
  feedbackBudget: number;
}

/** The feedback budgets tried, largest first: trimming errors and the old diff before refusing. */
const FEEDBACK_BUDGETS = [6_000, 3_000, 1_500, 600];
/** The feedback budget of a prompt nothing had to be trimmed from. */
export const FULL_FEEDBACK_BUDGET = FEEDBACK_BUDGETS[0]!;

export function fitPrompt(build: (feedbackBudget: number) => ChatMessage[], contextWindow: number, maxTokens: number): Fit {
  const available = contextWindow - maxTokens;
  let last: Fit | null = null;
  for (const feedbackBudget of FEEDBACK_BUDGETS) {
    const messages = build(feedbackBudget);
    const estimate = estimateTokens(messages);
    last = { ok: estimate <= available, messages, estimate, available, feedbackBudget };
    if (last.ok) return last;
  }
  return last!;
}

/** A reported prompt this far below the estimate means the server cut the prompt. */
export function looksTruncated(estimate: number, reported: number): boolean {
  return reported > 0 && reported < estimate * 0.5;
}

export function tooLargeMessage(fit: Fit, tier: string, contextWindow: number, maxTokens: number): string {
  return (
    `the prompt for the ${tier} tier is about ${fit.estimate} tokens, but its context window is ${contextWindow} ` +
    `tokens with ${maxTokens} kept for the reply (${fit.available} left for the prompt). ` +
    `Own fewer or smaller files, or raise the window: set tiers.${tier}.contextWindow in smol-coder.config.json ` +
    `and num_ctx for that model in litellm/config.yaml to the same larger number.`
  );
}
