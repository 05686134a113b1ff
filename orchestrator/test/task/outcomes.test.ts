import { describe, expect, test } from "bun:test";
import { EXIT } from "../../src/core/errors.ts";
import { exitCodeOf, OUTCOMES, TASK_STATUSES, worstOutcome, type TaskStatus } from "../../src/task/outcomes.ts";

describe("the outcome table", () => {
  test("every status has its exit code and its count", () => {
    expect(TASK_STATUSES).toEqual(["complete", "skipped", "aborted", "too_large", "workspace_error", "unavailable", "interrupted"]);
    const rows = Object.fromEntries(TASK_STATUSES.map((s) => [s, [OUTCOMES[s].exitCode, OUTCOMES[s].tally]]));
    expect(rows).toEqual({
      complete: [EXIT.ok, "complete"],
      skipped: [EXIT.ok, "skipped"],
      aborted: [EXIT.aborted, "aborted"],
      too_large: [EXIT.badInput, "failed"],
      workspace_error: [EXIT.badInput, "failed"],
      unavailable: [EXIT.modelUnavailable, "failed"],
      interrupted: [EXIT.interrupted, "failed"],
    });
  });

  // [statuses of a batch] -> the one that decides the exit code
  const cases: Array<[TaskStatus[], TaskStatus | undefined]> = [
    [[], undefined],
    [["complete", "complete"], "complete"],
    [["complete", "aborted"], "aborted"],
    [["skipped", "complete"], "skipped"],
    [["skipped", "aborted"], "aborted"],
    [["aborted", "too_large"], "too_large"],
    [["too_large", "unavailable", "aborted"], "unavailable"],
    [["too_large", "workspace_error", "aborted"], "workspace_error"],
    [["workspace_error", "unavailable"], "unavailable"],
    [["unavailable", "interrupted", "complete"], "interrupted"],
  ];
  test("an interrupted run's code is its signal's: SIGINT 130, SIGTERM 143", () => {
    expect(exitCodeOf("interrupted", "SIGINT")).toBe(130);
    expect(exitCodeOf("interrupted", "SIGTERM")).toBe(143);
    expect(exitCodeOf("aborted", "SIGTERM")).toBe(EXIT.aborted);
  });

  for (const [statuses, worst] of cases) {
    test(`worst of [${statuses.join(", ")}] is ${worst}`, () => {
      expect(worstOutcome(statuses.map((status) => ({ status })))?.status).toBe(worst);
    });
  }
});
