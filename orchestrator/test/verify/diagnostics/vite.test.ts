import { describe, expect, test } from "bun:test";
import { formatDiagnostic } from "../../../src/verify/diagnostics/compare.ts";
import { parseDiagnostics } from "../../../src/verify/diagnostics/registry.ts";
import { CAPTURE_CWD, captured, FIXTURE, fields, loc, realToolOutputs } from "../../../testing/diagnostics-tools.ts";

const { get, parse } = realToolOutputs(["viteMissing", "viteMulti", "viteSyntax", "viteExport"]);

describe("vite 8 build (real)", () => {
  test("missing bare import: absolute path normalised to workspace-relative", () => {
    const r = get("viteMissing");
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toContain(FIXTURE); // vite printed the absolute path
    const ds = parse("viteMissing");
    expect(ds.length).toBe(1);
    const d = ds[0]!;
    expect(fields(d)).toEqual({
      tool: "vite",
      file: "samples/vite-missing/src/main.ts",
      line: null,
      col: null,
      code: null,
      severity: "error",
    });
    expect(d.message).toMatch(/^Roll(?:up|down) failed to resolve import "left-pad-that-does-not-exist"/);
    expect(d.message).not.toContain(FIXTURE);
  });

  test("two unresolved relative imports → two located diagnostics", () => {
    const F = "samples/vite-multi/src/main.ts";
    const ds = parse("viteMulti");
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: F, ...loc(F, '"./gone-one"'), code: "UNRESOLVED_IMPORT", severity: "error" },
      { tool: "vite", file: F, ...loc(F, '"./gone-two"'), code: "UNRESOLVED_IMPORT", severity: "error" },
    ]);
    expect(ds[0]!.message).toContain("./gone-one");
    expect(formatDiagnostic(ds[1]!)).toStartWith(`${F}:${ds[1]!.line}:${ds[1]!.col} vite(UNRESOLVED_IMPORT): `);
  });

  test("transform (syntax) error", () => {
    const F = "samples/vite-syntax/src/main.ts";
    const ds = parse("viteSyntax");
    expect(ds.length).toBe(1);
    expect(ds[0]!.file).toBe(F);
    expect(ds[0]!.line).toBe(loc(F, "return greeting").line);
    expect(ds[0]!.col).toBe(loc(F, "greeting", "return greeting").col);
    expect(ds[0]!.tool).toBe("vite");
    expect(ds[0]!.message).toMatch(/Expected/);
  });

  test("missing export", () => {
    const F = "samples/vite-export/src/main.ts";
    const ds = parse("viteExport");
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: F, ...loc(F, "nope"), code: "MISSING_EXPORT", severity: "error" },
    ]);
    expect(ds[0]!.message).toContain('"nope" is not exported');
  });
});

describe("captured outputs (formats the pinned toolchain no longer prints)", () => {
  const cwd = CAPTURE_CWD;

  test("vite 7: Rollup failed to resolve import", () => {
    const ds = parseDiagnostics(captured("vite7-missing.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-missing/src/main.ts", line: null, col: null, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe(
      'Rollup failed to resolve import "left-pad-that-does-not-exist" from "samples/vite-missing/src/main.ts".',
    );
  });

  test("vite 7: error during build + file: line", () => {
    const ds = parseDiagnostics(captured("vite7-relative.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-relative/src/main.ts", line: null, col: null, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe('Could not resolve "./helper-that-does-not-exist" from "samples/vite-relative/src/main.ts"');

    const ex = parseDiagnostics(captured("vite7-export.txt"), { cwd });
    expect(ex.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-export/src/main.ts", line: 1, col: 9, code: null, severity: "error" },
    ]);
    expect(ex[0]!.message).toStartWith('"nope" is not exported by "samples/vite-export/src/lib.ts"');
  });

  test("vite 7: esbuild transform error `file:line:col: ERROR: msg` (not double-counted with `file:`)", () => {
    const ds = parseDiagnostics(captured("vite7-syntax.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-syntax/src/main.ts", line: 4, col: 9, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe('Expected "}" but found "greeting"');
  });
});
