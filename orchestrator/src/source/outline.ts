// A file's outline: its declarations, each with the lines it spans. The prompt shows it for a file
// too big to show whole; it is also what a prompt can show of a module the task only imports.
// TypeScript and JavaScript are read with the TypeScript compiler's parser (loaded on first use,
// about 0.3 CPU-s), Markdown by its headings; other files have no outline.
import path from "node:path";
import { markdownOutline } from "./markdown-outline.ts";
import { typescriptOutline } from "./ts-outline.ts";

export type DeclarationKind =
  | "imports"
  | "function"
  | "class"
  | "interface"
  | "type"
  | "enum"
  | "variable"
  | "namespace"
  | "member"
  | "call"
  | "export"
  | "heading";

export interface Declaration {
  /** The declared name; for a call such as a test, `test("its title")`; "imports" for a run of imports. */
  name: string;
  kind: DeclarationKind;
  exported: boolean;
  /** 1-based, inclusive: from the declaration's first line (after its comments) to its last. */
  line: number;
  endLine: number;
  /** 0 at the top of the file; members of a class, interface or namespace, and calls inside a call's callback, are 1 deeper. */
  depth: number;
  /** The declaration's first line, trimmed and shortened: what an outline shows. */
  text: string;
}

const TS_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]);

/** The declarations of `text`, in file order, or null when smol-coder cannot outline this kind of file. */
export async function outlineOf(file: string, text: string): Promise<Declaration[] | null> {
  const ext = path.extname(file).toLowerCase();
  if (TS_EXTENSIONS.has(ext)) return typescriptOutline(file, text);
  if (ext === ".md" || ext === ".mdx") return markdownOutline(text);
  return null;
}

/** A declaration's first line as an outline shows it: trimmed, at most `max` characters. */
export function headline(line: string, max = 120): string {
  const t = line.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
