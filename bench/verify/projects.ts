// The projects the verify bench measures, each opened as a temp workspace.
import { existsSync } from "node:fs";
import { readdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { createWorkspace, type TempWorkspace } from "../../orchestrator/testing/workspace.ts";

export const RXJS_FIXTURE = path.join(import.meta.dir, "fixtures", "rxjs");
/** Files of the rxjs fixture copied into each workspace next to the rxjs sources. */
const RXJS_CONFIG_FILES = ["package.json", "bun.lock", "tsconfig.json", "eslint.config.js", "vite.config.js"];

export interface Project {
  name: string;
  describe: string;
  open(): Promise<TempWorkspace>;
}

/** Every .ts and .tsx file below dir, relative to it, sorted. */
export async function listTs(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listTs(dir, childRel)));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name)) out.push(childRel);
  }
  return out.sort();
}

export const reactTs: Project = {
  name: "react-ts",
  describe: "orchestrator/testing/fixtures/react-ts (Vite react-ts template)",
  open: () => createWorkspace({ template: "react-ts" }),
};

export const rxjs: Project = {
  name: "rxjs 7.8.2",
  describe: "bench/verify/fixtures/rxjs: the `src/` that the rxjs 7.8.2 npm package ships",
  async open() {
    const nodeModules = path.join(RXJS_FIXTURE, "node_modules");
    const src = path.join(nodeModules, "rxjs", "src");
    if (!existsSync(path.join(nodeModules, ".bin")) || !existsSync(src)) {
      throw new Error(
        `${RXJS_FIXTURE} is not installed: run \`cd bench/verify/fixtures/rxjs && bun install --frozen-lockfile\``,
      );
    }
    const files: Record<string, string> = {};
    for (const name of RXJS_CONFIG_FILES) files[name] = await readFile(path.join(RXJS_FIXTURE, name), "utf8");
    for (const rel of await listTs(src)) files[`src/${rel}`] = await readFile(path.join(src, rel), "utf8");
    const ws = await createWorkspace({ template: "empty", files });
    // Disposal unlinks <dir>/node_modules before deleting the dir, so the shared install is safe.
    await symlink(nodeModules, path.join(ws.dir, "node_modules"), "dir");
    return ws;
  },
};
