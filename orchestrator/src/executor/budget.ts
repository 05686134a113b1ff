// Fits a prompt into a tier's context window, by the tier's own token count. Ollama keeps only
// what fits in num_ctx and drops the rest without a word, so nothing is sent that does not fit.
// What gives way, in order: the error feedback and the previous diff are trimmed; then the
// biggest owned files are shown as an outline and excerpts, at less and less detail. A prompt
// that does not fit even then is not sent (the caller tries another tier, or refuses). The
// context (executor/context/fit.ts) is not part of this: it gets the room a fitted prompt
// leaves, so it gives way before all of these and never decides whether a prompt fits.
import type { PromptTokensByPart } from "../core/events.ts";
import type { LineRange, Task, TokenizerName } from "../core/types.ts";
import { WHOLE_FILE_MAX_LINES } from "../edits/limits.ts";
import type { Declaration } from "../source/outline.ts";
import { excerptFile, fileLines, type FileExcerpt } from "./excerpts/excerpt.ts";
import { EXCERPT_LEVELS } from "./excerpts/regions.ts";
import { descriptionTerms } from "./excerpts/terms.ts";
import { buildMessages, messagesOf, PART_SEPARATOR, userPromptParts, type ChatMessage, type PartKind, type PreviousAttempt, type PromptInput } from "./prompt.ts";
import type { TokenCounter } from "./tokens/counter.ts";

export interface PromptSource {
  task: Task;
  /** Owned path -> content before the task (null: a new file). */
  files: ReadonlyMap<string, string | null>;
  previous: PreviousAttempt | null;
  /** Lines the baseline's errors point at, per owned file: excerpts show them. */
  baselineLines?: ReadonlyMap<string, readonly number[]>;
}

export interface PromptWindow {
  contextWindow: number;
  maxTokens: number;
}

export interface ExcerptedFile {
  file: string;
  lines: number;
  shown: LineRange[];
  /** 0 is the most detailed of EXCERPT_LEVELS. */
  level: number;
}

export type PromptFit =
  | {
      ok: true;
      messages: ChatMessage[];
      /** The whole request as the tier's tokenizer counts it, chat template included. */
      tokens: number;
      /** Tokens the window leaves for the prompt: contextWindow - maxTokens. */
      available: number;
      tokenizer: TokenizerName;
      /** The files shown in part, and the lines shown of each. */
      excerpts: ExcerptedFile[];
      /** Tokens of the system message in its template: a server may have them cached. */
      systemTokens: number;
      /** How many of `tokens` went to each kind of content. */
      tokensByPart: PromptTokensByPart;
      /** What the prompt was built from: the context is added to it (executor/context/fit.ts). */
      input: PromptInput;
    }
  | {
      ok: false;
      /** The smallest prompt that could be built, counted. */
      tokens: number;
      available: number;
      tokenizer: TokenizerName;
      /** The files that prompt showed in part. */
      excerpted: string[];
    };

/** Finds (and remembers) a file's outline; null when it has none. */
export type OutlineSource = (file: string, content: string) => Promise<readonly Declaration[] | null>;

const WHOLE_FEEDBACK = [6_000, 3_000, 1_500];
const EXCERPT_FEEDBACK = [3_000, 1_500, 600];
/** Files shorter than this are always shown whole: an excerpt of them would save little. */
export const MIN_EXCERPT_LINES = 40;
/** Counting the parts one by one may differ from counting the whole where two parts meet. */
const SLACK_PER_JOIN = 2;

export async function fitPrompt(source: PromptSource, window: PromptWindow, counter: TokenCounter, outline: OutlineSource): Promise<PromptFit> {
  const available = window.contextWindow - window.maxTokens;
  const base: PromptInput = { task: source.task, files: source.files, previous: source.previous, wholeFileMaxLines: WHOLE_FILE_MAX_LINES };
  const budgets = (list: number[]) => (source.previous ? list : list.slice(0, 1));
  const attempt = (input: PromptInput) => countedFit(input, available, counter);

  let last: PromptInput = base;
  for (const feedbackBudget of budgets(WHOLE_FEEDBACK)) {
    last = { ...base, feedbackBudget };
    const fit = attempt(last);
    if (fit) return fit;
  }
  const candidates = excerptable(base, counter);
  const sources = await Promise.all(candidates.map((file) => excerptSource(file, source, outline)));
  for (const [level, spec] of EXCERPT_LEVELS.entries()) {
    for (const feedbackBudget of budgets(EXCERPT_FEEDBACK)) {
      for (let k = 1; k <= candidates.length; k++) {
        const excerpts = new Map(candidates.slice(0, k).map((file, i) => [file, excerptFile(sources[i]!, spec)] as const));
        last = { ...base, feedbackBudget, excerpts };
        const fit = attempt(last);
        if (fit) return { ...fit, excerpts: describeExcerpts(excerpts, level) };
      }
    }
  }
  return { ok: false, tokens: counter.chat(buildMessages(last)), available, tokenizer: counter.tokenizer, excerpted: [...(last.excerpts?.keys() ?? [])] };
}

/** The fit of one candidate prompt, or null. Parts are counted first (cheap, remembered); only a prompt that may fit is counted whole. */
export function countedFit(input: PromptInput, available: number, counter: TokenCounter): Extract<PromptFit, { ok: true }> | null {
  const parts = userPromptParts(input);
  const messages = messagesOf(parts);
  const system = counter.text(messages[0]!.content);
  const counts = parts.map((p, i) => counter.text(i < parts.length - 1 ? p.text + PART_SEPARATOR : p.text));
  const sum = counter.template(messages.length) + system + counts.reduce((n, c) => n + c, 0);
  if (sum - SLACK_PER_JOIN * (parts.length - 1) > available) return null;
  const tokens = counter.chat(messages);
  if (tokens > available) return null;
  const of = (kind: PartKind) => parts.reduce((n, p, i) => (p.kind === kind ? n + counts[i]! : n), 0);
  const tokensByPart = { owned: of("owned"), readOnly: of("readOnly"), imports: of("imports"), facts: of("facts"), feedback: of("feedback") };
  return { ok: true, messages, tokens, available, tokenizer: counter.tokenizer, excerpts: [], systemTokens: system + counter.template(1), tokensByPart, input };
}

/** Files that may be shown in part, biggest first. */
function excerptable(input: PromptInput, counter: TokenCounter): string[] {
  const sized: Array<{ file: string; tokens: number }> = [];
  for (const [file, content] of input.files) {
    if (content === null || fileLines(content).length < MIN_EXCERPT_LINES) continue;
    sized.push({ file, tokens: counter.text(content) });
  }
  return sized.sort((a, b) => b.tokens - a.tokens).map((s) => s.file);
}

async function excerptSource(file: string, source: PromptSource, outline: OutlineSource) {
  const content = source.files.get(file)!;
  return {
    content,
    outline: await outline(file, content),
    terms: descriptionTerms(source.task.description),
    errorLines: source.baselineLines?.get(file) ?? [],
    focus: source.previous?.focus?.get(file) ?? [],
  };
}

function describeExcerpts(excerpts: ReadonlyMap<string, FileExcerpt>, level: number): ExcerptedFile[] {
  return [...excerpts].map(([file, ex]) => ({ file, lines: ex.totalLines, shown: ex.regions, level }));
}

/** Memoises outlines per file for one task (the files do not change between its attempts). */
export function outlineCache(find: (file: string, content: string) => Promise<Declaration[] | null>): OutlineSource {
  const memo = new Map<string, Promise<readonly Declaration[] | null>>();
  return (file, content) => {
    const key = `${file}\0${content.length}`;
    let hit = memo.get(key);
    if (!hit) memo.set(key, (hit = find(file, content).catch(() => null)));
    return hit;
  };
}
