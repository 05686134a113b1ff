import { describe, expect, test } from "bun:test";
import { MAX_POLL_STRETCH, pollInterval } from "../../src/concurrency/poll-interval.ts";

describe("pollInterval: a waiter polls more slowly for each full round of waiters ahead of it", () => {
  test.each([
    // [position, limit, interval at a 50 ms poll]
    [1, 4, 50], // next in line
    [4, 4, 50], // still within the next round
    [5, 4, 100],
    [8, 4, 100],
    [9, 4, 150],
    [2, 1, 100], // a lock: one waiter ahead is one round
    [44, 4, 50 * MAX_POLL_STRETCH], // capped
    [1000, 4, 50 * MAX_POLL_STRETCH],
    [-1, 4, 50], // not queued yet
  ])("position %d, limit %d: %d ms", (position, limit, expected) => {
    expect(pollInterval(50, position, limit)).toBe(expected);
  });
});
