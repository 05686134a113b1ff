// Which baseline runs are cached: only those that say something lasting about the workspace.
import { describe, expect, test } from "bun:test";
import { isLasting } from "../../src/task/baseline.ts";
import type { CheckResult, VerifyRun } from "../../src/verify/run.ts";
import type { Diagnostic } from "../../src/verify/diagnostics/diagnostic.ts";

const tscError: Diagnostic = {
  tool: "tsc",
  file: "src/a.ts",
  line: 1,
  col: 7,
  code: "TS2322",
  message: "Type 'string' is not assignable to type 'number'.",
  severity: "error",
  raw: "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
};
const unrecognised: Diagnostic = { tool: "unknown", file: null, line: null, col: null, code: null, message: "sh: 1: eslint: not found", severity: "error", raw: "sh: 1: eslint: not found" };

function check(name: string, over: Partial<CheckResult>): CheckResult {
  return { name, ok: true, reason: "exit", exitCode: 0, durationMs: 1, diagnostics: [], outputTail: "", ...over };
}
const run = (...checks: CheckResult[]): VerifyRun => ({ ok: checks.every((c) => c.ok), checks, durationMs: 1 });
const failed = (diagnostics: Diagnostic[]) => ({ ok: false, exitCode: 1, diagnostics });

describe("isLasting", () => {
  test.each([
    ["every check passed", run(check("typecheck", {}), check("lint", {})), true],
    ["a check failed with errors tsc printed", run(check("typecheck", failed([tscError])), check("lint", {})), true],
    ["a check failed with nothing a parser knows (it could not run)", run(check("typecheck", {}), check("lint", failed([unrecognised]))), false],
    ["a check failed with recognised errors and some unrecognised lines", run(check("typecheck", failed([tscError, unrecognised]))), true],
    ["a check timed out", run(check("typecheck", { ok: false, reason: "timeout", exitCode: null, diagnostics: [unrecognised] })), false],
    ["a check was skipped after another failed", run(check("typecheck", failed([tscError])), check("build", { ok: false, reason: "skipped", exitCode: null })), false],
  ])("%s: %p", (_what, r, lasting) => {
    expect(isLasting(r)).toBe(lasting);
  });
});
