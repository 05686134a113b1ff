import { describe, expect, test } from "bun:test";
import { diagnosticKey, formatDiagnostic } from "../../../src/verify/diagnostics/compare.ts";
import { parseDiagnostics } from "../../../src/verify/diagnostics/registry.ts";
import { fields, loc, realToolOutputs, type Fields } from "../../../testing/diagnostics-tools.ts";

const { get, parse } = realToolOutputs(["eslintStylish", "eslintUnix"]);

describe("eslint (real)", () => {
  const L = "samples/lint/bad.ts";
  const expected = (): Fields[] => [
    { tool: "eslint", file: L, ...loc(L, "unused"), code: "@typescript-eslint/no-unused-vars", severity: "error" },
    { tool: "eslint", file: L, ...loc(L, "answer"), code: "prefer-const", severity: "warning" },
    { tool: "eslint", file: L, ...loc(L, "=="), code: "eqeqeq", severity: "error" },
    { tool: "eslint", file: L, ...loc(L, "debugger;"), code: "no-debugger", severity: "error" },
    { tool: "eslint", file: L, ...loc(L, "any ="), code: "@typescript-eslint/no-explicit-any", severity: "error" },
  ];

  test("stylish", () => {
    expect(get("eslintStylish").exitCode).toBe(1);
    const ds = parse("eslintStylish");
    expect(ds.map(fields)).toEqual(expected());
    const debug = ds.find((d) => d.code === "no-debugger")!;
    expect(debug.message).toBe("Unexpected 'debugger' statement");
    expect(formatDiagnostic(debug)).toBe(`${L}:${debug.line}:${debug.col} eslint(no-debugger): Unexpected 'debugger' statement`);
    const warn = ds.find((d) => d.severity === "warning")!;
    expect(formatDiagnostic(warn)).toStartWith(`${L}:${warn.line}:${warn.col} warning eslint(prefer-const): `);
  });

  test("unix (eslint-formatter-unix)", () => {
    expect(get("eslintUnix").exitCode).toBe(1);
    const ds = parse("eslintUnix");
    expect(ds.map(fields)).toEqual(expected());
    // Same identities as stylish, although unix keeps the trailing period.
    expect(ds.map(diagnosticKey)).toEqual(parse("eslintStylish").map(diagnosticKey));
  });
});

describe("captured outputs (formats the pinned toolchain no longer prints)", () => {
  test("eslint stylish: parse error without a rule id, and summary lines ignored", () => {
    const text = [
      "",
      "/home/dev/app/src/broken.ts",
      "  3:10  error  Parsing error: ',' expected",
      "",
      "✖ 1 problem (1 error, 0 warnings)",
      "",
    ].join("\n");
    const ds = parseDiagnostics(text, { cwd: "/home/dev/app/" });
    expect(ds.map(fields)).toEqual([
      { tool: "eslint", file: "src/broken.ts", line: 3, col: 10, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe("Parsing error: ',' expected");
    expect(formatDiagnostic(ds[0]!)).toBe("src/broken.ts:3:10 eslint: Parsing error: ',' expected");
  });

  test("hint decides between eslint and oxlint for plain rule ids", () => {
    const line = "src/a.ts:1:1: Unexpected console statement. [Warning/no-console]";
    expect(parseDiagnostics(line)[0]!.tool).toBe("eslint");
    expect(parseDiagnostics(line, { hint: "oxlint" })[0]!.tool).toBe("oxlint");
  });
});
