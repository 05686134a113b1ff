// Refusal texts that more than one stage writes, so the model reads the same words for the same
// problem wherever it is caught.
import { reject, type Rejection } from "./contract.ts";
import type { ResolvedPath } from "./paths.ts";
import { quote } from "./text.ts";

/** The owned files as a refusal lists them: the first 12. */
export function ownedList(filesOwned: readonly string[]): string {
  const shown = filesOwned.slice(0, 12).join(", ");
  return filesOwned.length > 12 ? `${shown}, …` : shown;
}

/** The refusal for a path that is outside the workspace, read-only or not owned; null for an owned path or /dev/null. */
export function pathProblem(r: ResolvedPath, filesOwned: readonly string[]): Rejection | null {
  if (r.kind === "read_only") {
    return reject(
      "read_only",
      `${quote(r.raw)} is ${r.path}, a read-only file: it is shown so you can use what it declares, but you may not change it. Leave it as it is and edit only your files: ${ownedList(filesOwned)}.`,
    );
  }
  if (r.kind === "outside") {
    return reject("outside_workspace", `${quote(r.raw)} is outside the workspace. Paths are relative to the project root and you may only edit: ${ownedList(filesOwned)}.`);
  }
  if (r.kind === "not_owned") {
    if (r.candidates.length > 1) {
      return reject("not_owned", `${quote(r.raw)} could mean ${r.candidates.join(" or ")}. Write the full path as listed: ${ownedList(filesOwned)}.`);
    }
    return reject("not_owned", `${quote(r.raw)} is not one of your files. You may only edit: ${ownedList(filesOwned)}. Do not change other files.`);
  }
  return null;
}

/**
 * A hunk that only adds lines to a non-empty file quotes nothing to check its place against: the
 * header's line number is all there is, and a small model's line numbers are guesses.
 */
export function unanchoredRefusal(name: string, path: string): Rejection {
  return reject(
    "hunk_ambiguous",
    `${name} only adds lines and quotes no existing line, so there is no way to tell where they go. Include 2-3 unchanged lines from ${path} before and after the added lines (prefixed with a space).`,
  );
}
