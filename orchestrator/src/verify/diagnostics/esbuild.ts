// esbuild's errors:
// - native CLI:       `✘ [ERROR] msg` + indented `file:line:col:`
// - vite ≤7 transform: `/abs/src/x.ts:4:9: ERROR: msg`
import { addDiagnostic, defineLineParser, defineParser, locationOf, type ParseContext } from "./context.ts";
import { isBlank, isIndented } from "./text.ts";

const ESBUILD_TRANSFORM = /^(.+?):(\d+):(\d+): (ERROR|WARNING): (.*)$/;
const ESBUILD_NATIVE = /^\s*(?:✘|X|▲) \[(ERROR|WARNING)\] (.+?)(?: \[([\w:/.-]+)\])?$/;
const ESBUILD_NATIVE_LOC = /^\s+(.+?):(\d+):(\d+):$/;

function parseNative(ctx: ParseContext, i: number): number | null {
  const m = ESBUILD_NATIVE.exec(ctx.lines[i]!);
  if (!m) return null;
  let j = i + 1;
  let loc: RegExpExecArray | null = null;
  // Location line comes after one blank line; the block ends at a non-indented line.
  while (j < ctx.lines.length) {
    const l = ctx.lines[j]!;
    if (!isBlank(l) && !isIndented(l)) break;
    if (!loc) loc = ESBUILD_NATIVE_LOC.exec(l);
    j++;
  }
  addDiagnostic(ctx, {
    tool: ctx.hint && ctx.hint !== "unknown" ? ctx.hint : "vite",
    ...locationOf(loc),
    code: m[3] ?? null,
    message: m[2]!,
    severity: m[1] === "WARNING" ? "warning" : "error",
    raw: ctx.lines.slice(i, j).join("\n").replace(/\n+$/, ""),
  });
  return j;
}

export const esbuildNative = defineParser([ESBUILD_NATIVE], parseNative);

export const esbuildTransform = defineLineParser(ESBUILD_TRANSFORM, (es) => ({
  tool: "vite",
  ...locationOf(es),
  code: null,
  message: es[5]!,
  severity: es[4] === "WARNING" ? "warning" : "error",
}));
