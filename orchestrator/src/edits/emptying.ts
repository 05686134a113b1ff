// An edit that empties a non-empty file (a whole-file block with nothing in it, a diff that
// removes every line, a diff to /dev/null) passes every check a project has, so a small model's
// slip would wipe the file with exit 0. It is refused unless the task asks for it: the
// description names the file (its path or its name) and says delete, empty, remove or clear.
import { reject, type FileChange, type Rejection } from "./contract.ts";
import { countLines } from "./text.ts";

const ASKS = /\b(?:delet(?:e|es|ed|ing)|empt(?:y|ies|ied|ying)|remov(?:e|es|ed|ing)|clear(?:s|ed|ing)?)\b/i;

/** Whether the task's description asks for `path` to be emptied or deleted. */
export function asksToEmpty(description: string, path: string): boolean {
  if (!ASKS.test(description)) return false;
  const name = path.slice(path.lastIndexOf("/") + 1);
  return names(description, path) || names(description, name);
}

/** The refusal for the first change that empties a file the task does not ask to empty, or null. */
export function emptyingRefusal(changes: readonly FileChange[], description: string): Rejection | null {
  for (const c of changes) {
    if (c.before === null || c.before.trim() === "") continue;
    if (c.after !== null && c.after.trim() !== "") continue;
    if (asksToEmpty(description, c.path)) continue;
    const what = c.after === null ? "delete" : "empty";
    return reject(
      "empties_file",
      `Your edit would ${what} ${c.path}, which has ${countLines(c.before)} lines now, and the task does not ask for that. ` +
        `Send the complete new content of ${c.path}, or a unified diff that changes only the lines the task needs.`,
    );
  }
  return null;
}

/** `name` appears as a whole path in `text`: not as part of a longer name ("notes.txt" in "mynotes.txt"). */
function names(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1] ?? " ";
    const after = text[at + name.length] ?? " ";
    if (!/[\w.-]/.test(before) && !/[\w-]/.test(after)) return true;
  }
  return false;
}
