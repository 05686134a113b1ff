// Reading and shaping a test's real git repository: what was committed, by which commit, with
// which trailers, and hooks that behave like a project's own.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Runs git in `cwd` and returns its stdout; throws with git's own words when it fails. */
export function git(cwd: string, ...args: string[]): string {
  const r = Bun.spawnSync(["git", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

export interface CommitInfo {
  sha: string;
  subject: string;
  body: string;
  /** The files the commit changed. */
  files: string[];
  trailers: Record<string, string>;
}

/** The commits after `base` up to `rev`, oldest first. */
export function commitsSince(cwd: string, base: string, rev = "HEAD"): CommitInfo[] {
  const shas = git(cwd, "rev-list", "--reverse", `${base}..${rev}`).trim().split("\n").filter(Boolean);
  return shas.map((sha) => commitInfo(cwd, sha));
}

export function commitInfo(cwd: string, sha: string): CommitInfo {
  const body = git(cwd, "log", "-1", "--format=%B", sha);
  const files = git(cwd, "diff-tree", "--no-commit-id", "--name-only", "-r", "--root", sha).trim().split("\n").filter(Boolean);
  // git's own trailer parser, the one `git log --format=%(trailers)` uses.
  const trailers = Object.fromEntries(
    git(cwd, "log", "-1", "--format=%(trailers:only,unfold)", sha)
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(/: (.*)/s).slice(0, 2) as [string, string]),
  );
  return { sha, subject: body.split("\n")[0]!, body, files, trailers };
}

/** `git status --porcelain` lines (empty: a clean tree). */
export function statusLines(cwd: string): string[] {
  return git(cwd, "status", "--porcelain=v1", "--untracked-files=all").split("\n").filter(Boolean);
}

/** Writes an executable hook into the repository's hooks folder (where git looks by default). */
export async function installHook(cwd: string, name: "pre-commit" | "commit-msg" | "post-commit", script: string): Promise<void> {
  const dir = path.join(git(cwd, "rev-parse", "--path-format=absolute", "--git-common-dir").trim(), "hooks");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, script.startsWith("#!") ? script : `#!/bin/sh\n${script}`);
  await chmod(file, 0o755);
}
