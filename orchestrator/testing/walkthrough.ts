// What the seed's escalation walkthrough must show in its events, however the model is reached
// (the scripted server, or the real LiteLLM in front of the Ollama stand-in): two failed fast
// attempts with the card's two type errors, the escalation to deep, and deep's pass.
import { expect } from "bun:test";

/** Asserts the walkthrough's events and returns the first failure's error lines (the deep prompt must show them). */
export function expectEscalationWalkthrough(events: ReadonlyArray<Record<string, unknown>>): string[] {
  const fails = events.filter((e) => e.event === "verification_fail");
  expect(fails).toHaveLength(2);
  const errors = fails[0]!.errors as string[];
  expect(fails[0]!.errorCount).toBe(2);
  expect(errors.every((e) => /^src\/components\/Card\.tsx\(\d+,\d+\): error TS2322: /.test(e))).toBe(true);
  expect(events.find((e) => e.event === "escalation")).toMatchObject({ fromTier: "fast", toTier: "deep", reason: "2 failures at fast tier" });
  expect(events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 3, finalTier: "deep" });
  return errors;
}
