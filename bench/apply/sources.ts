// The real TypeScript the corpus edits: the .ts sources shipped in orchestrator/node_modules/openai
// and orchestrator/node_modules/zod, pinned by orchestrator/bun.lock (openai 7.57.0, zod 4.6.7),
// so nobody on this project wrote that code.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

const ORCH = join(import.meta.dir, "..", "..", "orchestrator");
const SOURCES = ["node_modules/openai/src", "node_modules/zod/src"];

export interface Source {
  path: string; // workspace-relative path used in the cases, e.g. openai/src/core/error.ts
  content: string;
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

/** Every source file with LF line ends and a final newline, sorted by path. */
export function loadSources(): Source[] {
  const files: Source[] = [];
  for (const s of SOURCES) {
    for (const full of walk(join(ORCH, s), [])) {
      const path = relative(join(ORCH, "node_modules"), full).split("\\").join("/");
      files.push({ path, content: readFileSync(full, "utf8") });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files.filter((f) => !f.content.includes("\r") && f.content.endsWith("\n"));
}
