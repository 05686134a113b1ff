// Which baseline checks could not run at all, and what the user is told.
import { describe, expect, test } from "bun:test";
import { cannotRunMessage, checksThatCannotRun } from "../../src/verify/runnable.ts";
import type { CheckResult, VerifyRun } from "../../src/verify/run.ts";

const check = (name: string, over: Partial<CheckResult>): CheckResult => ({ name, ok: false, reason: "exit", exitCode: 1, durationMs: 1, diagnostics: [], outputTail: "", ...over });
const run = (...checks: CheckResult[]): VerifyRun => ({ ok: false, checks, durationMs: 1 });

describe("checksThatCannotRun", () => {
  test.each([
    ["command not found (127)", check("typecheck", { exitCode: 127 }), true],
    ["not executable (126)", check("lint", { exitCode: 126 }), true],
    ["the runner could not be started", check("build", { reason: "spawn_error", exitCode: null }), true],
    ["a check that ran and found errors (1)", check("typecheck", { exitCode: 1 }), false],
    ["a check that passed", check("typecheck", { ok: true, exitCode: 0 }), false],
    ["a timeout", check("typecheck", { reason: "timeout", exitCode: null }), false],
    ["skipped after another failed", check("build", { reason: "skipped", exitCode: null }), false],
  ])("%s: %p", (_what, c, cannot) => {
    expect(checksThatCannotRun(run(c)).map((x) => x.name)).toEqual(cannot ? [c.name] : []);
  });

  test("no baseline (no checks, or interrupted) means nothing to report", () => {
    expect(checksThatCannotRun(null)).toEqual([]);
  });
});

test("the message names each check, what it printed last and the fix", () => {
  const message = cannotRunMessage([
    check("typecheck", { exitCode: 127, outputTail: "$ tsc --noEmit\n/bin/sh: 1: tsc: not found\n" }),
    check("build", { reason: "spawn_error", exitCode: null, outputTail: "" }),
  ]);
  expect(message).toBe(
    "the typecheck script cannot run in this workspace (it exited 127: /bin/sh: 1: tsc: not found); " +
      "the build script cannot run in this workspace (it could not be started). Nothing was checked and no file was changed. " +
      "Install the workspace's dependencies (npm install, pnpm install, yarn or bun install), or fix the script in package.json, then run the task again.",
  );
});
