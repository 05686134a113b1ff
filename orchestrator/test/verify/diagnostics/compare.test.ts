import { describe, expect, test } from "bun:test";
import { diagnosticKey, newSince } from "../../../src/verify/diagnostics/compare.ts";
import { realToolOutputs } from "../../../testing/diagnostics-tools.ts";

const { parse } = realToolOutputs(["tscPlain", "tscPretty", "eslintStylish", "oxlint"]);

describe("baseline comparison", () => {
  test("line shifts are not new; a second copy of the same error is", () => {
    const base = parse("tscPlain");
    const shifted = base.map((d) => ({ ...d, line: (d.line ?? 0) + 7, col: 1 }));
    expect(newSince(base, shifted)).toEqual([]);
    const extra = { ...base[0]! };
    const after = [...shifted, extra];
    expect(newSince(base, after)).toEqual([extra]);
  });

  test("fixed errors disappear, different files or codes are new", () => {
    const base = parse("eslintStylish");
    const current = base.slice(1);
    expect(newSince(base, current)).toEqual([]);
    const moved = { ...base[0]!, file: "samples/lint/other.ts" };
    expect(newSince(base, [moved])).toEqual([moved]);
    expect(diagnosticKey(base[0]!)).not.toBe(diagnosticKey({ ...base[0]!, code: "other-rule" }));
    expect(diagnosticKey(base[0]!)).toBe(diagnosticKey({ ...base[0]!, line: 99, col: 99, raw: "x" }));
  });

  test("tsc baseline across pretty/plain runs has nothing new; lint output vs tsc baseline is all new", () => {
    expect(newSince(parse("tscPlain"), parse("tscPretty"))).toEqual([]);
    expect(newSince(parse("tscPlain"), parse("oxlint")).length).toBe(3);
  });
});
