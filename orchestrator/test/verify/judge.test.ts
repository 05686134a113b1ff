import { describe, expect, test } from "bun:test";
import type { Diagnostic } from "../../src/verify/diagnostics/diagnostic.ts";
import { capErrors, judge } from "../../src/verify/judge.ts";
import type { CheckResult, VerifyRun } from "../../src/verify/run.ts";

const diag = (file: string | null, code: string, message: string, line = 1): Diagnostic => ({
  tool: "tsc",
  file,
  line,
  col: 1,
  code,
  message,
  severity: "error",
  raw: "",
});
const check = (name: string, diagnostics: Diagnostic[], reason: CheckResult["reason"] = "exit"): CheckResult => ({
  name,
  ok: diagnostics.length === 0 && reason === "exit",
  reason,
  exitCode: diagnostics.length ? 2 : 0,
  durationMs: 1,
  diagnostics,
  outputTail: "",
});
const runOf = (...checks: CheckResult[]): VerifyRun => ({ ok: checks.every((c) => c.ok), checks, durationMs: 1 });

describe("judge", () => {
  const old = diag("src/Other.tsx", "TS2322", "Type 'string' is not assignable to type 'number'.", 10);
  const fresh = diag("src/Card.tsx", "TS2304", "Cannot find name 'x'.", 3);
  const cases: Array<{ name: string; baseline: VerifyRun | null; run: VerifyRun; strict?: boolean; ok: boolean; errors?: string[] }> = [
    { name: "no baseline: every error counts", baseline: null, run: runOf(check("typecheck", [old])), ok: false },
    { name: "a pre-existing error elsewhere is not blamed", baseline: runOf(check("typecheck", [old])), run: runOf(check("typecheck", [old])), ok: true },
    {
      name: "the pre-existing error still matches after its line moved",
      baseline: runOf(check("typecheck", [old])),
      run: runOf(check("typecheck", [{ ...old, line: 14 }])),
      ok: true,
    },
    {
      name: "a new error is blamed, the old one is not",
      baseline: runOf(check("typecheck", [old])),
      run: runOf(check("typecheck", [old, fresh])),
      ok: false,
      errors: ["src/Card.tsx(3,1): error TS2304: Cannot find name 'x'."],
    },
    { name: "strict mode blames the old error too", baseline: runOf(check("typecheck", [old])), run: runOf(check("typecheck", [old])), strict: true, ok: false },
    {
      name: "an error in an owned file that was there before must be gone (a fix-this task)",
      baseline: runOf(check("typecheck", [{ ...old, file: "src/Card.tsx" }])),
      run: runOf(check("typecheck", [{ ...old, file: "src/Card.tsx" }])),
      ok: false,
    },
    { name: "a fix-this task passes when the error is gone", baseline: runOf(check("typecheck", [{ ...old, file: "src/Card.tsx" }])), run: runOf(check("typecheck", [])), ok: true },
    {
      name: "a timeout always counts",
      baseline: runOf(check("typecheck", [old])),
      run: runOf(check("typecheck", [diag(null, "typecheck", "typecheck timed out")], "timeout")),
      ok: false,
    },
    { name: "a check that passed before and fails now counts whole", baseline: runOf(check("lint", [])), run: runOf(check("lint", [old])), ok: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const verdict = judge(c.run, { baseline: c.baseline, strict: c.strict ?? false, owned: ["src/Card.tsx"] });
      expect(verdict.ok).toBe(c.ok);
      if (c.errors) expect(verdict.errors).toEqual(c.errors);
    });
  }

  test("errors in owned files come first", () => {
    const verdict = judge(runOf(check("typecheck", [old, fresh])), { baseline: null, strict: false, owned: ["src/Card.tsx"] });
    expect(verdict.diagnostics.map((d) => d.file)).toEqual(["src/Card.tsx", "src/Other.tsx"]);
  });
});

test("capErrors keeps whole lines and says how many were cut", () => {
  const errors = Array.from({ length: 50 }, (_, i) => `e${i}`);
  const capped = capErrors(errors, 10);
  expect(capped).toHaveLength(11);
  expect(capped.at(-1)).toBe("[... 40 more errors not shown ...]");
  expect(capErrors(["x".repeat(900)])[0]!.length).toBe(501);
});
