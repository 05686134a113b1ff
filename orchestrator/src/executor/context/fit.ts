// Where the context meets the prompt budget. The context is the first thing to give way: it gets
// the tokens a fitted prompt leaves (the task, the owned files whole or in part and the feedback
// are already in), counted with the same tokenizer, and nothing more. So it never costs the
// owned files or the feedback a line, never decides which tier a task runs on, and never pushes
// a prompt past its window: the prompt with the context is counted whole, and when it would not
// fit, the prompt goes out as it was fitted, without it.
import type { PromptFit } from "../budget.ts";
import { countedFit } from "../budget.ts";
import { descriptionTerms } from "../excerpts/terms.ts";
import { buildMessages } from "../prompt.ts";
import type { TokenCounter } from "../tokens/counter.ts";
import type { ContextBlock } from "./block.ts";
import { shapeContext } from "./shape.ts";

type Fitted = Extract<PromptFit, { ok: true }>;

/** Rounds of shaping to less room when the whole prompt counts a little more than its parts did. */
const ROUNDS = 4;
/** Tokens kept off the room at the start, and each round beyond the overshoot. */
const ROUND_MARGIN = 8;

export function fitContext(fit: Fitted, block: ContextBlock, counter: TokenCounter): Fitted {
  if (block.facts.length + block.readOnly.length + block.imports.length + block.problems.length === 0) return fit;
  const shape = { block, terms: descriptionTerms(fit.input.task.description), count: counter.text };
  // The parts are joined by a separator the shaping does not count: a margin for it up front.
  let room = fit.available - fit.tokens - ROUND_MARGIN;
  for (let round = 0; round < ROUNDS && room > 0; round++) {
    const shaped = shapeContext(shape, room);
    if (shaped.parts.length === 0) return fit;
    const input = { ...fit.input, context: shaped.parts };
    const over = counter.chat(buildMessages(input)) - fit.available;
    const withContext = over <= 0 ? countedFit(input, fit.available, counter) : null;
    if (withContext) return { ...withContext, excerpts: fit.excerpts };
    room -= Math.max(over, 0) + ROUND_MARGIN;
  }
  return fit;
}
