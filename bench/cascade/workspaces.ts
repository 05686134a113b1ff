// Workspaces for the cascade bench: fresh copies of the react-ts fixture with a task's files.
import fs from "node:fs/promises";
import path from "node:path";
import { createWorkspace, type TempWorkspace } from "../../orchestrator/testing/workspace.ts";
import type { LiveSet } from "./processes.ts";
import type { BenchTask } from "./suite.ts";

/** Every file's mtime, so that fresh copies of the same files look the same to the baseline cache. */
const FIXED_MTIME = new Date("2024-01-01T00:00:00Z");

async function pinMtimes(root: string, rel = ""): Promise<void> {
  for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.name === "node_modules" || entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await pinMtimes(root, childRel);
    else if (entry.isFile()) await fs.utimes(path.join(root, childRel), FIXED_MTIME, FIXED_MTIME);
  }
}

/** A fresh copy of the react-ts fixture with these files on top, mtimes pinned. */
export async function fixtureWorkspace(files: ReadonlyMap<string, string>, live: LiveSet): Promise<TempWorkspace> {
  const ws = await createWorkspace({ template: "react-ts", files: Object.fromEntries(files) });
  const untrack = live.trackDir(ws.dir);
  await pinMtimes(ws.dir);
  return {
    ...ws,
    async [Symbol.asyncDispose]() {
      untrack();
      await ws[Symbol.asyncDispose]();
    },
  };
}

/**
 * A fresh copy of the react-ts fixture with the task's setup files. mtimes are pinned:
 * smol-coder's baseline cache keys on path, size and mtime, so the three modes' copies of one
 * task share one baseline run instead of paying for three.
 */
export function prepareWorkspace(task: BenchTask, live: LiveSet): Promise<TempWorkspace> {
  return fixtureWorkspace(task.setup, live);
}

/** Writes files into a workspace, creating folders. */
export async function writeFiles(workspace: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [rel, content] of files) {
    const abs = path.join(workspace, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content);
  }
}
