// Where the context meets the prompt budget. The context is the first thing to give way: it gets
// the tokens the prompt has left once the task, the owned files and the full feedback are in,
// and nothing more, so it never pushes a prompt past its window and never costs the owned files
// or the feedback a line. Token counts come from the caller (executor/budget.ts), so a better
// counter changes them in one place.
import type { PromptTokensByPart } from "../../core/events.ts";
import type { ChatMessage, PromptPart } from "../prompt.ts";
import type { ContextBlock } from "./block.ts";
import { NO_CONTEXT, shapeContext, type ShapedContext } from "./shape.ts";
import type { CountText } from "./shorten.ts";

export interface ContextFitInput {
  block: ContextBlock;
  /** The messages of the prompt with these context sections in it (feedback at its full budget). */
  build: (contextSections: readonly string[]) => ChatMessage[];
  countMessages: (messages: readonly ChatMessage[]) => number;
  countText: CountText;
  /** Tokens for the whole prompt: the window less the reply's maxTokens. */
  available: number;
}

/** The context shaped to what the prompt leaves room for; no context when the prompt alone is too big. */
export function fitContext(input: ContextFitInput): ShapedContext {
  const { block, build, countMessages, countText, available } = input;
  if (block.facts.length + block.readOnly.length + block.imports.length + block.problems.length === 0) return NO_CONTEXT;
  const without = countMessages(build([]));
  let room = available - without;
  // The sections' counts add up to about the prompt's; the built prompt has the last word.
  for (let round = 0; round < 4 && room > 0; round++) {
    const shaped = shapeContext(block, room, countText);
    const over = countMessages(build(shaped.sections)) - available;
    if (over <= 0) return shaped;
    room -= over + 8;
  }
  return NO_CONTEXT;
}

/** Tokens that went to each kind of content, for model_call_start. */
export function promptTokens(sections: ReadonlyArray<{ part: PromptPart; text: string }>, context: ShapedContext, count: CountText): PromptTokensByPart {
  const sum = (part: PromptPart) => sections.filter((s) => s.part === part).reduce((n, s) => n + count(s.text), 0);
  return { owned: sum("owned"), readOnly: context.tokens.readOnly, imports: context.tokens.imports, facts: context.tokens.facts, feedback: sum("feedback") };
}
