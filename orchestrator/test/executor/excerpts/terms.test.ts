import { expect, test } from "bun:test";
import { descriptionTerms } from "../../../src/executor/excerpts/terms.ts";

test("names, code words and quoted strings of a description", () => {
  const t = descriptionTerms(
    'In src/big.ts, make formatDate() return ISO dates, rename user_id in this.state.count, fix the test "parses dates", rename `inst`, and add `very.common@example.org`. Don\'t touch parse_v2.',
  );
  expect(t.strings).toEqual(["parses dates", "inst", "very.common@example.org"]);
  // Code beyond doubt: called, camelCase, snake_case, dotted chains, digits, in backticks.
  expect([...t.code].sort()).toEqual(["count", "formatDate", "inst", "parse_v2", "state", "this", "user_id"]);
  // Pieces of a path or an email are names (to match declarations), never searched for as code.
  expect(t.code.has("common")).toBe(false);
  expect(t.code.has("big")).toBe(false);
  expect(t.names.has("ISO")).toBe(true);
  // The task's own verbs are not names: "rename" here is not a method called rename.
  expect(t.names.has("rename")).toBe(false);
  expect(t.names.has("big")).toBe(true);
});

test("an apostrophe is not a quote", () => {
  expect(descriptionTerms("don't change it's 'value' here").strings).toEqual(["value"]);
});
