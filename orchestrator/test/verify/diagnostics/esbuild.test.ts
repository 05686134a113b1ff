import { describe, expect, test } from "bun:test";
import { parseDiagnostics } from "../../../src/verify/diagnostics/registry.ts";
import { CAPTURE_CWD, captured, fields } from "../../../testing/diagnostics-tools.ts";

describe("captured outputs (formats the pinned toolchain no longer prints)", () => {
  test("esbuild CLI: ✘ [ERROR] blocks", () => {
    const ds = parseDiagnostics(captured("esbuild-native.txt"), { cwd: CAPTURE_CWD });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-missing/src/main.ts", line: 1, col: 20, code: null, severity: "error" },
      { tool: "vite", file: "samples/vite-syntax/src/main.ts", line: 4, col: 9, code: null, severity: "error" },
    ]);
  });
});
