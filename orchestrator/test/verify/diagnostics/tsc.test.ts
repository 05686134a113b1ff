import { describe, expect, test } from "bun:test";
import { formatDiagnostic, newSince } from "../../../src/verify/diagnostics/compare.ts";
import { parseDiagnostics } from "../../../src/verify/diagnostics/registry.ts";
import { stripAnsi } from "../../../src/verify/diagnostics/text.ts";
import { fields, loc, realToolOutputs, type Fields } from "../../../testing/diagnostics-tools.ts";

const { get, parse } = realToolOutputs(["tscPlain", "tscPretty"]);

describe("tsc (real)", () => {
  const T = "samples/ts/types.ts";
  const N = "samples/ts/nested.ts";
  const expected = (): Fields[] =>
    [
      { file: N, ...loc(N, 'id: "2"'), code: "TS2322" },
      { file: N, ...loc(N, "notDefinedAnywhere"), code: "TS2304" },
      { file: N, ...loc(N, "strict"), code: "TS2322" },
      { file: T, ...loc(T, "count"), code: "TS2322" },
      { file: T, ...loc(T, "42"), code: "TS2345" },
    ].map((e) => ({ tool: "tsc" as const, severity: "error" as const, ...e }));

  test("--pretty false", () => {
    expect(get("tscPlain").exitCode).not.toBe(0);
    const ds = parse("tscPlain");
    expect(ds.map(fields)).toEqual(expected());
    const missing = ds.find((d) => d.code === "TS2304")!;
    expect(missing.message).toContain("notDefinedAnywhere");
    expect(formatDiagnostic(missing)).toBe(
      `${N}(${missing.line},${missing.col}): error TS2304: Cannot find name 'notDefinedAnywhere'.`,
    );
  });

  test("multi-line message chain stays with its error", () => {
    const d = parse("tscPlain").find((x) => x.line === loc(N, "strict").line)!;
    const lines = d.message.split("\n");
    expect(lines.length).toBe(3);
    expect(lines[1]).toMatch(/^ {2}The types of 'inner\.deep\.value' are incompatible/);
    expect(lines[2]).toMatch(/^ {4}Type 'string' is not assignable to type 'number'/);
    const f = formatDiagnostic(d);
    expect(f).not.toContain("\n");
    expect(f).toContain("are incompatible between these types. Type 'string'");
  });

  test("--pretty true (ANSI, code frames, related info) parses to the same diagnostics", () => {
    expect(get("tscPretty").output).toContain("\u001b["); // really coloured
    expect(stripAnsi(get("tscPretty").output)).toMatch(/:\d+:\d+ - error TS\d+: /);
    const pretty = parse("tscPretty");
    const plain = parse("tscPlain");
    expect(pretty.map(fields)).toEqual(plain.map(fields));
    expect(pretty.map((d) => d.message)).toEqual(plain.map((d) => d.message));
    expect(newSince(plain, pretty)).toEqual([]);
    // The related-information location (types.ts:2:3 "declared here") is not a separate error.
    expect(pretty.filter((d) => d.file === T).length).toBe(2);
  });
});

describe("captured outputs (formats the pinned toolchain no longer prints)", () => {
  test("tsc: global errors, CRLF, Windows paths", () => {
    const ds = parseDiagnostics(
      [
        "error TS5083: Cannot read file '/app/tsconfig.base.json'.",
        "C:\\work\\app\\src\\x.tsx(15,3): error TS2322: Type 'number' is not assignable to type 'string'.",
        "",
      ].join("\r\n"),
      { cwd: "C:\\work\\app" },
    );
    expect(ds.map(fields)).toEqual([
      { tool: "tsc", file: null, line: null, col: null, code: "TS5083", severity: "error" },
      { tool: "tsc", file: "src/x.tsx", line: 15, col: 3, code: "TS2322", severity: "error" },
    ]);
    expect(formatDiagnostic(ds[1]!)).toBe("src/x.tsx(15,3): error TS2322: Type 'number' is not assignable to type 'string'.");
    expect(formatDiagnostic(ds[0]!)).toBe("error TS5083: Cannot read file '/app/tsconfig.base.json'.");
  });
});
