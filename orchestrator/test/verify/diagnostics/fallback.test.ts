import { describe, expect, test } from "bun:test";
import { formatDiagnostic } from "../../../src/verify/diagnostics/compare.ts";
import { parseDiagnostics } from "../../../src/verify/diagnostics/registry.ts";
import { FIXTURE, realToolOutputs } from "../../../testing/diagnostics-tools.ts";

const { get } = realToolOutputs(["nodeCrash"]);

describe("raw fallback", () => {
  test("unrecognised failing output (real node crash) → one unknown diagnostic", () => {
    const r = get("nodeCrash");
    expect(r.exitCode).not.toBe(0);
    const ds = parseDiagnostics(r.output, { cwd: FIXTURE, exitCode: r.exitCode });
    expect(ds.length).toBe(1);
    expect(ds[0]!.tool).toBe("unknown");
    expect(ds[0]!.file).toBeNull();
    expect(ds[0]!.message).toContain("TypeError: boom: config is broken");
    expect(formatDiagnostic(ds[0]!)).toStartWith("unknown: ");
    expect(formatDiagnostic(ds[0]!)).not.toContain("\n");
  });

  test("keeps the last 20 meaningful lines, drops blanks, decoration and dependency stack frames", () => {
    const text = [
      ...Array.from({ length: 40 }, (_, i) => `step ${i + 1}`),
      "",
      "──────────",
      "Error: the end",
      "    at thing (/app/node_modules/dep/index.js:1:1)",
      "    at main (/app/src/main.ts:3:3)",
    ].join("\n");
    const [d, ...rest] = parseDiagnostics(text);
    expect(rest).toEqual([]);
    const lines = d!.message.split("\n");
    expect(lines.length).toBe(20);
    expect(lines.at(-1)).toBe("    at main (/app/src/main.ts:3:3)");
    expect(lines.at(-2)).toBe("Error: the end");
    expect(lines[0]).toBe("step 23");
  });

  test("exit code 0 or no output", () => {
    expect(parseDiagnostics("Found 0 warnings and 0 errors.", { exitCode: 0 })).toEqual([]);
    expect(parseDiagnostics("")).toEqual([]);
    const [d] = parseDiagnostics("", { exitCode: 137 });
    expect(d!.tool).toBe("unknown");
    expect(d!.message).toContain("137");
  });
});
