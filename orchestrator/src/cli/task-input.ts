// Reading the task(s) a run is given: the text from --file or stdin, then every task checked
// against TaskSchema before any of them runs. Refusals are InputErrors naming where the text came from.
import { readFile } from "node:fs/promises";
import { InputError, readErrorText } from "../core/errors.ts";
import { TaskSchema, type Task } from "../core/types.ts";
import { issueLines } from "../core/zod-issues.ts";

export interface TaskSource {
  file?: string;
  stdin: { isTTY?: boolean; text(): Promise<string> };
}

export async function readTaskText(source: TaskSource): Promise<string> {
  if (source.file) {
    try {
      return await readFile(source.file, "utf8");
    } catch (err) {
      throw new InputError(`cannot read task file ${source.file}: ${readErrorText(err)}`);
    }
  }
  if (source.stdin.isTTY) throw new InputError("no task given: pipe task JSON on stdin or pass --file task.json");
  return source.stdin.text();
}

/**
 * The JSON items of the text: one object, an array, or JSON lines. It is JSON lines only when
 * its first line is a whole JSON value on its own; otherwise an error is the document's, not
 * that of whichever line happens to fail alone (a pretty-printed array's "[").
 */
function parseJsonItems(text: string, origin: string): unknown[] {
  try {
    const json: unknown = JSON.parse(text);
    return Array.isArray(json) ? json : [json];
  } catch (err) {
    const lines = text.split("\n").map((l, i) => ({ text: l.trim(), number: i + 1 })).filter((l) => l.text !== "");
    if (lines.length < 2 || !parsesAlone(lines[0]!.text)) throw new InputError(`the task from ${origin} is not valid JSON: ${(err as Error).message}`);
    return lines.map((line) => {
      try {
        return JSON.parse(line.text) as unknown;
      } catch (lineErr) {
        throw new InputError(`line ${line.number} of ${origin} is not valid JSON: ${(lineErr as Error).message}`);
      }
    });
  }
}

function parsesAlone(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * One task (a JSON object), many (a JSON array), or one per line (JSON lines). Every task is
 * checked before any runs, so a typo in task 7 does not leave tasks 1 to 6 half done.
 */
export function parseTasks(raw: string, origin: string): Task[] {
  // A byte-order mark, as Windows editors and PowerShell write one, is not part of the JSON.
  const text = raw.replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new InputError(`the task from ${origin} is empty`);
  const items = parseJsonItems(text, origin);
  if (items.length === 0) throw new InputError(`no tasks in ${origin}`);
  return items.map((item, i) => {
    const result = TaskSchema.safeParse(item);
    if (result.success) return result.data;
    const which = items.length === 1 ? "" : ` (task ${i + 1})`;
    throw new InputError(`invalid task from ${origin}${which}: ${issueLines(result.error, "dotted").join("; ")}`);
  });
}
