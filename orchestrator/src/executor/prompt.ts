// Builds the chat messages for one attempt. Pure: the same inputs always give the same prompt,
// which is what makes the prompt testable as a table and its parts countable one by one.
import path from "node:path";
import SYSTEM_PROMPT from "./prompts/system.md" with { type: "text" };
import type { LineRange, Task } from "../core/types.ts";
import type { FileExcerpt } from "./excerpts/excerpt.ts";
import { renderExcerpt } from "./excerpts/render.ts";

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

export interface PreviousAttempt {
  /** The diff the model wrote last time, or null when nothing usable came back. */
  diff: string | null;
  /** What went wrong: verifier error lines or the reason the patch was refused. */
  errors: string[];
  /** Whether the reply was refused for its format, so the next one should use another. */
  formatRefused: boolean;
  /**
   * Lines of the original files the retry should show, when a file is shown in part: around its
   * errors and its edit, and the lines it tried to change without having seen them.
   */
  focus?: ReadonlyMap<string, readonly LineRange[]>;
}

export interface PromptInput {
  task: Task;
  /** Owned path -> current content, null for a file that does not exist yet. */
  files: ReadonlyMap<string, string | null>;
  previous?: PreviousAttempt | null;
  /** Files up to this many lines may be answered whole instead of as a diff. */
  wholeFileMaxLines: number;
  /** Character budget for the feedback block (errors + previous diff). */
  feedbackBudget?: number;
  /** Files too big to show whole: shown as their outline and these excerpts. */
  excerpts?: ReadonlyMap<string, FileExcerpt>;
  /** What the model is shown of the rest of the workspace (executor/context/), after the task. */
  context?: readonly PromptPart[];
}

/** What a part of the user prompt holds, so that its share of the tokens can be reported. */
export type PartKind = "task" | "facts" | "readOnly" | "imports" | "leftOut" | "owned" | "feedback" | "format";

export interface PromptPart {
  kind: PartKind;
  text: string;
}

export const DEFAULT_FEEDBACK_BUDGET = 6_000;

export function buildMessages(input: PromptInput): ChatMessage[] {
  return messagesOf(userPromptParts(input));
}

/** The request for a user prompt given as its parts. */
export function messagesOf(parts: readonly PromptPart[]): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM_PROMPT.trim() },
    { role: "user", content: joinParts(parts) },
  ];
}

export function buildUserPrompt(input: PromptInput): string {
  return joinParts(userPromptParts(input));
}

export const PART_SEPARATOR = "\n\n";

function joinParts(parts: readonly PromptPart[]): string {
  return parts.map((p) => p.text).join(PART_SEPARATOR);
}

/**
 * The user prompt's parts, in order: the task, the context (project facts, read-only files, what
 * the owned files import, what was left out), the owned files, the feedback, and the answer
 * format last, nearest to where the model starts writing. The budget counts them one by one,
 * then the whole once.
 */
export function userPromptParts(input: PromptInput): PromptPart[] {
  const parts: PromptPart[] = [{ kind: "task", text: `## Task\n${input.task.description.trim()}` }];
  parts.push(...(input.context ?? []));
  const owned = (text: string) => parts.push({ kind: "owned", text });
  owned("## Files you own\nYou may change only these files. Their current content is shown below; your edit applies to exactly this content.");
  for (const [file, content] of input.files) owned(describeFile(file, content, input.excerpts?.get(file)));
  if (input.previous) {
    parts.push({ kind: "feedback", text: describePrevious(input.previous, input.feedbackBudget ?? DEFAULT_FEEDBACK_BUDGET, (input.excerpts?.size ?? 0) > 0) });
  }
  parts.push({ kind: "format", text: describeFormat(input) });
  return parts;
}

function describeFile(file: string, content: string | null, excerpt: FileExcerpt | undefined): string {
  if (content === null) return `### ${file}\n(new file: it does not exist yet; create it)`;
  if (excerpt) return renderExcerpt(file, content, excerpt, { fence, language: languageOf(file) });
  const lines = countLines(content);
  // The content is shown without line numbers: the model copies context lines verbatim into the
  // diff, and numbered lines invite it to copy the numbers too. The applier finds hunks by content.
  return `### ${file} (${lines} line${lines === 1 ? "" : "s"})\n${fence(content, languageOf(file))}`;
}

function describePrevious(previous: PreviousAttempt, budget: number, inPart: boolean): string {
  const out = ["## Your previous attempt failed", "It has been undone: the files above are unchanged."];
  // Only when there is something to point at: a reply with no edit in it leaves no lines to add.
  const refocused = [...(previous.focus?.values() ?? [])].some((ranges) => ranges.length > 0);
  if (inPart && refocused) out.push("The excerpts above now include the lines your previous edit changed, the lines its errors point at, and any lines it tried to change without seeing them.");
  const errors = trimLines(previous.errors, Math.floor(budget * 0.6));
  out.push(`What went wrong:\n${fence(errors.join("\n"), "text")}`);
  if (previous.diff) {
    const diffBudget = budget - errors.join("\n").length;
    out.push(`The edit you wrote:\n${fence(trimText(previous.diff, Math.max(diffBudget, 500)), "diff")}`);
  }
  out.push("Write a corrected edit against the file content shown above. Fix every error listed.");
  return out.join("\n\n");
}

function describeFormat(input: PromptInput): string {
  const wholeOk = [...input.files].filter(
    ([f, c]) => c === null || (countLines(c) <= input.wholeFileMaxLines && !input.excerpts?.has(f)),
  ).map(([f]) => f);
  const lines = ["## Answer format"];
  if (input.previous?.formatRefused && wholeOk.length > 0) {
    lines.push(
      "Your last reply could not be applied. This time, give the COMPLETE new content of each file you change, " +
        "in its own fenced block, with the file's path on the line just before the block, like this:",
      `${wholeOk[0]}\n${fence("...the whole file...", languageOf(wholeOk[0]!))}`,
    );
  } else {
    lines.push("Reply with a unified diff in a ```diff block, as the system message describes.");
    if (wholeOk.length > 0) {
      lines.push(
        `For ${listNames(wholeOk)} you may instead give the complete new file content in a fenced block ` +
          "with the file's path on the line just before it.",
      );
    }
  }
  return lines.join("\n");
}

function listNames(files: string[]): string {
  return files.length === 1 ? files[0]! : `these files (${files.join(", ")})`;
}

export function countLines(text: string): number {
  if (text === "") return 0;
  const n = text.split("\n").length;
  return text.endsWith("\n") ? n - 1 : n;
}

export function fence(body: string, lang: string): string {
  // A body that itself contains ``` needs a longer fence, or the block would end early.
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${body}${body.endsWith("\n") || body === "" ? "" : "\n"}${ticks}`;
}

const LANGUAGES: Record<string, string> = {
  ".ts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".jsx": "jsx",
  ".mjs": "js",
  ".cjs": "js",
  ".json": "json",
  ".css": "css",
  ".html": "html",
  ".md": "md",
};

export function languageOf(file: string): string {
  return LANGUAGES[path.extname(file).toLowerCase()] ?? "";
}

/** Keeps whole lines from the start until the budget is spent, and says how many were cut. */
export function trimLines(lines: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > budget && out.length > 0) {
      out.push(`[... ${lines.length - i} more line${lines.length - i === 1 ? "" : "s"} not shown ...]`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

function trimText(text: string, budget: number): string {
  return text.length <= budget ? text : `${text.slice(0, budget)}\n[... diff truncated ...]`;
}
