// Builds the chat messages for one attempt. Pure: the same inputs always give the same prompt,
// which is what makes the prompt testable as a table and the token estimate trustworthy.
import path from "node:path";
import SYSTEM_PROMPT from "./prompts/system.md" with { type: "text" };
import type { Task } from "../core/types.ts";

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
  /** Sections about the rest of the workspace (executor/context: facts, read-only files, imports), shown after the task. */
  contextSections?: readonly string[];
}

/** What each part of the user prompt is, so its share of the tokens can be reported. */
export type PromptPart = "task" | "context" | "owned" | "feedback" | "format";

export const DEFAULT_FEEDBACK_BUDGET = 6_000;

export function buildMessages(input: PromptInput): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM_PROMPT.trim() },
    { role: "user", content: buildUserPrompt(input) },
  ];
}

export function buildUserPrompt(input: PromptInput): string {
  return userPromptSections(input).map((s) => s.text).join("\n\n");
}

/**
 * The user prompt's sections in order: the task, then the context (facts, read-only files, what
 * the owned files import), then the owned files, the feedback and the answer format last, nearest
 * to where the model starts writing.
 */
export function userPromptSections(input: PromptInput): Array<{ part: PromptPart; text: string }> {
  const parts: Array<{ part: PromptPart; text: string }> = [];
  parts.push({ part: "task", text: `## Task\n${input.task.description.trim()}` });
  for (const text of input.contextSections ?? []) parts.push({ part: "context", text });
  parts.push({
    part: "owned",
    text: "## Files you own\nYou may change only these files. Their current content is shown below; your edit applies to exactly this content.",
  });
  for (const [file, content] of input.files) parts.push({ part: "owned", text: describeFile(file, content) });
  if (input.previous) parts.push({ part: "feedback", text: describePrevious(input.previous, input.feedbackBudget ?? DEFAULT_FEEDBACK_BUDGET) });
  parts.push({ part: "format", text: describeFormat(input) });
  return parts;
}

function describeFile(file: string, content: string | null): string {
  if (content === null) return `### ${file}\n(new file: it does not exist yet; create it)`;
  const lines = countLines(content);
  // The content is shown without line numbers: the model copies context lines verbatim into the
  // diff, and numbered lines invite it to copy the numbers too. The applier finds hunks by content.
  return `### ${file} (${lines} line${lines === 1 ? "" : "s"})\n${fence(content, languageOf(file))}`;
}

function describePrevious(previous: PreviousAttempt, budget: number): string {
  const out = ["## Your previous attempt failed", "It has been undone: the files above are unchanged."];
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
    ([, c]) => c === null || countLines(c) <= input.wholeFileMaxLines,
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
