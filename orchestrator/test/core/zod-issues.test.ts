import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { issueLines } from "../../src/core/zod-issues.ts";

const Schema = z.object({ list: z.array(z.object({ name: z.string() })), n: z.int() }).strict();

function errorOf(value: unknown): z.ZodError {
  const result = Schema.safeParse(value);
  if (result.success) throw new Error("expected a refusal");
  return result.error;
}

describe("issueLines", () => {
  test("dotted style joins every key with a dot", () => {
    expect(issueLines(errorOf({ list: [{ name: 1 }], n: 1 }), "dotted")).toEqual(["list.0.name: Invalid input: expected string, received number"]);
  });

  test("json style writes indices in brackets", () => {
    expect(issueLines(errorOf({ list: [{ name: 1 }], n: 1 }), "json")).toEqual(["list[0].name: Invalid input: expected string, received number"]);
  });

  test("an issue at the top is (root), one line per issue", () => {
    const lines = issueLines(errorOf({ list: [], n: 1.5, extra: true }), "json");
    expect(lines).toHaveLength(2);
    expect(lines).toContain('(root): Unrecognized key: "extra"');
    expect(lines.some((l) => l.startsWith("n: "))).toBe(true);
  });
});
