import { expect, test } from "bun:test";
import { defaultStateDir } from "../../src/concurrency/state-dir.ts";

test("defaultStateDir: SMOL_STATE_DIR, then XDG_CACHE_HOME, then ~/.cache", () => {
  expect(defaultStateDir({ SMOL_STATE_DIR: "/srv/state", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/srv/state");
  expect(defaultStateDir({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/x/smol-coder");
  expect(defaultStateDir({ XDG_CACHE_HOME: "relative", HOME: "/h" })).toBe("/h/.cache/smol-coder");
  expect(defaultStateDir({ SMOL_STATE_DIR: "  ", HOME: "/h" })).toBe("/h/.cache/smol-coder");
});
