// ESLint and oxlint in their line formats (oxlint prints both with `-f stylish` / `-f unix`):
// - stylish: a path header line, then `  line:col  error|warning  msg  rule`
// - unix:    `file:line:col: msg [Error|Warning/rule]`
import type { Tool } from "./diagnostic.ts";
import { defineLineParser, locationOf, type ParseContext } from "./context.ts";
import { isBlank, toNum } from "./text.ts";

const ESLINT_RULE_ID = /^(?:@?[\w.-]+\/)*[\w.-]+$/;
/** oxlint names its rules `plugin(rule)`. */
const OXLINT_RULE_ID = /^[\w@/.-]+\([\w@/.-]+\)$/;
const STYLISH_PROBLEM = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const UNIX = /^(.+?):(\d+):(\d+): (.*?) \[(Error|Warning)(?:\/([^\]]+))?\]$/;

function lintTool(code: string | null, ctx: ParseContext): Tool {
  if (code && OXLINT_RULE_ID.test(code)) return "oxlint";
  if (ctx.hint === "oxlint" || ctx.hint === "eslint") return ctx.hint;
  return "eslint";
}

/** A stylish problem line, under the file of the last header (`ctx.stylishFile`). */
export const eslintStylish = defineLineParser(STYLISH_PROBLEM, (m, ctx) => {
  let message = m[4]!.trim();
  let code: string | null = null;
  const split = /^(.*?)\s{2,}(\S+)$/.exec(message);
  if (split && (ESLINT_RULE_ID.test(split[2]!) || OXLINT_RULE_ID.test(split[2]!))) {
    message = split[1]!.trim();
    code = split[2]!;
  }
  return {
    tool: lintTool(code, ctx),
    file: ctx.stylishFile,
    line: toNum(m[1]),
    col: toNum(m[2]),
    code,
    message,
    severity: m[3] === "warning" ? "warning" : "error",
  };
});

export const eslintUnix = defineLineParser(UNIX, (m, ctx) => {
  const code = m[6] ?? null;
  return {
    tool: lintTool(code, ctx),
    ...locationOf(m),
    code,
    message: m[4]!,
    severity: m[5] === "Warning" ? "warning" : "error",
  };
});

function looksLikePathHeader(l: string): boolean {
  if (isBlank(l) || /^\s/.test(l)) return false;
  return /[\\/]/.test(l) || /\.\w+$/.test(l);
}

/**
 * Follows the stylish file headers through lines no parser took: a header is a non-indented
 * path line directly followed by a problem line, and any other non-indented line ends its block.
 */
export function noteStylishHeader(ctx: ParseContext, i: number): void {
  const l = ctx.lines[i]!;
  if (looksLikePathHeader(l) && STYLISH_PROBLEM.test(ctx.lines[i + 1] ?? "")) {
    ctx.stylishFile = l.trim();
  } else if (!/^\s/.test(l)) {
    ctx.stylishFile = null;
  }
}
