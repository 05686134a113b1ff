import { describe, expect, test } from "bun:test";
import { diagnosticKey, formatDiagnostic } from "../../../src/verify/diagnostics/compare.ts";
import { stripAnsi } from "../../../src/verify/diagnostics/text.ts";
import { fields, loc, realToolOutputs, type Fields } from "../../../testing/diagnostics-tools.ts";

const { get, parse } = realToolOutputs(["oxlint", "oxlintUnix", "oxlintStylish"]);

describe("oxlint (real)", () => {
  const L = "samples/lint/bad.ts";
  const expected = (): Fields[] => [
    { tool: "oxlint", file: L, ...loc(L, "unused"), code: "eslint(no-unused-vars)", severity: "warning" },
    { tool: "oxlint", file: L, ...loc(L, "=="), code: "eslint(eqeqeq)", severity: "error" },
    { tool: "oxlint", file: L, ...loc(L, "debugger;"), code: "eslint(no-debugger)", severity: "error" },
  ];

  test("default graphical report", () => {
    expect(get("oxlint").exitCode).toBe(1);
    expect(stripAnsi(get("oxlint").output)).toContain("╭─[");
    const ds = parse("oxlint");
    expect(ds.map(fields)).toEqual(expected());
    const d = ds.find((x) => x.code === "eslint(no-debugger)")!;
    expect(d.message).toBe("`debugger` statement is not allowed");
    expect(formatDiagnostic(d)).toBe(`${L}:${d.line}:${d.col} eslint(no-debugger): \`debugger\` statement is not allowed`);
  });

  test("--format unix and --format stylish agree with the graphical report", () => {
    const graphical = parse("oxlint");
    for (const k of ["oxlintUnix", "oxlintStylish"] as const) {
      const ds = parse(k);
      expect(ds.map(fields)).toEqual(expected());
      expect(ds.map(diagnosticKey)).toEqual(graphical.map(diagnosticKey));
    }
  });
});
