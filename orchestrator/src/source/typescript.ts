// The TypeScript compiler, loaded on first use, for everything that reads source with it: the
// outline of a file shown in part (ts-outline.ts) and the context's declarations, imports and
// tsconfig (executor/context/). The package is large (about 170 ms and 80 MB to load on the
// bench machine), so a run that never reads TypeScript never pays for it, and the CLI's start-up
// does not either. The module system keeps the one loaded copy.
import type * as TS from "typescript";

export type TypeScript = typeof TS;
export type LoadTypeScript = () => Promise<TypeScript>;

export const loadTypeScript: LoadTypeScript = async () => {
  const mod = (await import("typescript")) as TypeScript & { default?: TypeScript };
  return mod.default ?? mod;
};

/** Whether a node carries a modifier (`export`, `default`, `declare`, `private`...). */
export function hasModifier(ts: TypeScript, node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** How the parser reads a file, by its extension: JSX in .tsx and .jsx (and in .js, as tsc does). */
export function scriptKindOf(ts: TypeScript, file: string): TS.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/i.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}
