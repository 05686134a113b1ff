import { expect, test } from "bun:test";
import { pidIsAlive } from "../../src/concurrency/pid.ts";

test("pidIsAlive: this process is alive, a pid nobody has is not", () => {
  expect(pidIsAlive(process.pid)).toBe(true);
  expect(pidIsAlive(2_000_000_003)).toBe(false);
});
