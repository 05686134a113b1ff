/**
 * diagnostics.ts against the REAL tools: tsc, eslint, oxlint and vite are run on
 * the fixture project in testing/fixtures/diagnostics (samples/ holds files with known
 * errors), and the parsed fields are checked against positions located in those
 * sample files. Captured strings (fixtures/diagnostics/captured/) cover formats
 * the pinned toolchain no longer prints (vite ≤7 / rollup, esbuild's own CLI).
 *
 * Setup: `cd testing/fixtures/diagnostics && bun install --frozen-lockfile`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  diagnosticKey,
  formatDiagnostic,
  newSince,
  parseDiagnostics,
  stripAnsi,
  type Diagnostic,
} from "../../src/verify/diagnostics/index.ts";

const FIXTURE = join(import.meta.dir, "..", "..", "testing", "fixtures", "diagnostics");
const BIN = join(FIXTURE, "node_modules", ".bin");

if (!existsSync(join(BIN, "tsc")) || !existsSync(join(BIN, "vite"))) {
  throw new Error(
    `diagnostics fixture is not installed: ${join(FIXTURE, "node_modules")} is missing.\n` +
      `Run: cd ${FIXTURE} && bun install --frozen-lockfile`,
  );
}

const QUIET_ENV = { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" };

interface RunResult {
  output: string; // stdout + stderr, as the orchestrator sees it
  exitCode: number;
}

async function run(cmd: string[], env: Record<string, string> = QUIET_ENV): Promise<RunResult> {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  const proc = Bun.spawn(cmd, {
    cwd: FIXTURE,
    env: { ...base, ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { output: stdout + stderr, exitCode };
}

/** 1-based line/col of the first occurrence of `needle` in a fixture file (after `after`, if given). */
function loc(file: string, needle: string, after?: string): { line: number; col: number } {
  const lines = readFileSync(join(FIXTURE, file), "utf8").split("\n");
  let start = 0;
  if (after !== undefined) start = lines.findIndex((l) => l.includes(after));
  for (let i = Math.max(0, start); i < lines.length; i++) {
    const c = lines[i]!.indexOf(needle);
    if (c >= 0) return { line: i + 1, col: c + 1 };
  }
  throw new Error(`${needle} not found in ${file}`);
}

/** The fields worth comparing between two formats of the same tool (raw differs by design). */
const fields = (d: Diagnostic) => ({
  tool: d.tool,
  file: d.file,
  line: d.line,
  col: d.col,
  code: d.code,
  severity: d.severity,
});
type Fields = ReturnType<typeof fields>;

const out: Record<string, RunResult> = {};
let outDir = "";

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "smol-diag-vite-"));
  const vite = (name: string) => [
    join(BIN, "vite"),
    "build",
    `samples/${name}`,
    "--outDir",
    join(outDir, name),
    "--emptyOutDir",
    "--logLevel",
    "info",
  ];
  const jobs: Record<string, Promise<RunResult>> = {
    tscPlain: run([join(BIN, "tsc"), "-p", "tsconfig.json", "--pretty", "false"]),
    // Pretty output on purpose: --pretty true forces ANSI colours even into a pipe.
    tscPretty: run([join(BIN, "tsc"), "-p", "tsconfig.json", "--pretty", "true"], { CI: "true" }),
    eslintStylish: run([join(BIN, "eslint"), "samples/lint"]),
    // ESLint 9+ dropped the built-in unix formatter; `-f unix` resolves the pinned eslint-formatter-unix.
    eslintUnix: run([join(BIN, "eslint"), "-f", "unix", "samples/lint"]),
    // oxlint colours its graphical report even with NO_COLOR: strip-ANSI gets exercised here too.
    oxlint: run([join(BIN, "oxlint"), "samples/lint"]),
    oxlintUnix: run([join(BIN, "oxlint"), "-f", "unix", "samples/lint"]),
    oxlintStylish: run([join(BIN, "oxlint"), "-f", "stylish", "samples/lint"]),
    viteMissing: run(vite("vite-missing")),
    viteMulti: run(vite("vite-multi")),
    viteSyntax: run(vite("vite-syntax")),
    viteExport: run(vite("vite-export")),
    nodeCrash: run(["node", "-e", "console.log('starting'); throw new TypeError('boom: config is broken')"]),
  };
  await Promise.all(
    Object.entries(jobs).map(async ([k, p]) => {
      out[k] = await p;
    }),
  );
}, 60_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const parse = (k: string, hint?: Diagnostic["tool"]) => {
  const r = out[k];
  if (!r) throw new Error(`no output for ${k}`);
  return parseDiagnostics(r.output, { cwd: FIXTURE, exitCode: r.exitCode, ...(hint ? { hint } : {}) });
};

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
    expect(out.tscPlain!.exitCode).not.toBe(0);
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
    expect(out.tscPretty!.output).toContain("\u001b["); // really coloured
    expect(stripAnsi(out.tscPretty!.output)).toMatch(/:\d+:\d+ - error TS\d+: /);
    const pretty = parse("tscPretty");
    const plain = parse("tscPlain");
    expect(pretty.map(fields)).toEqual(plain.map(fields));
    expect(pretty.map((d) => d.message)).toEqual(plain.map((d) => d.message));
    expect(newSince(plain, pretty)).toEqual([]);
    // The related-information location (types.ts:2:3 "declared here") is not a separate error.
    expect(pretty.filter((d) => d.file === T).length).toBe(2);
  });
});

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
    expect(out.eslintStylish!.exitCode).toBe(1);
    const ds = parse("eslintStylish");
    expect(ds.map(fields)).toEqual(expected());
    const debug = ds.find((d) => d.code === "no-debugger")!;
    expect(debug.message).toBe("Unexpected 'debugger' statement");
    expect(formatDiagnostic(debug)).toBe(`${L}:${debug.line}:${debug.col} eslint(no-debugger): Unexpected 'debugger' statement`);
    const warn = ds.find((d) => d.severity === "warning")!;
    expect(formatDiagnostic(warn)).toStartWith(`${L}:${warn.line}:${warn.col} warning eslint(prefer-const): `);
  });

  test("unix (eslint-formatter-unix)", () => {
    expect(out.eslintUnix!.exitCode).toBe(1);
    const ds = parse("eslintUnix");
    expect(ds.map(fields)).toEqual(expected());
    // Same identities as stylish, although unix keeps the trailing period.
    expect(ds.map(diagnosticKey)).toEqual(parse("eslintStylish").map(diagnosticKey));
  });
});

describe("oxlint (real)", () => {
  const L = "samples/lint/bad.ts";
  const expected = (): Fields[] => [
    { tool: "oxlint", file: L, ...loc(L, "unused"), code: "eslint(no-unused-vars)", severity: "warning" },
    { tool: "oxlint", file: L, ...loc(L, "=="), code: "eslint(eqeqeq)", severity: "error" },
    { tool: "oxlint", file: L, ...loc(L, "debugger;"), code: "eslint(no-debugger)", severity: "error" },
  ];

  test("default graphical report", () => {
    expect(out.oxlint!.exitCode).toBe(1);
    expect(stripAnsi(out.oxlint!.output)).toContain("╭─[");
    const ds = parse("oxlint");
    expect(ds.map(fields)).toEqual(expected());
    const d = ds.find((x) => x.code === "eslint(no-debugger)")!;
    expect(d.message).toBe("`debugger` statement is not allowed");
    expect(formatDiagnostic(d)).toBe(`${L}:${d.line}:${d.col} eslint(no-debugger): \`debugger\` statement is not allowed`);
  });

  test("--format unix and --format stylish agree with the graphical report", () => {
    const graphical = parse("oxlint");
    for (const k of ["oxlintUnix", "oxlintStylish"]) {
      const ds = parse(k);
      expect(ds.map(fields)).toEqual(expected());
      expect(ds.map(diagnosticKey)).toEqual(graphical.map(diagnosticKey));
    }
  });
});

describe("vite 8 build (real)", () => {
  test("missing bare import: absolute path normalised to workspace-relative", () => {
    const r = out.viteMissing!;
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

describe("raw fallback", () => {
  test("unrecognised failing output (real node crash) → one unknown diagnostic", () => {
    const r = out.nodeCrash!;
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

describe("captured outputs (formats the pinned toolchain no longer prints)", () => {
  const CAP = join(FIXTURE, "captured");
  const cap = (f: string) => readFileSync(join(CAP, f), "utf8");
  const cwd = "/home/dev/app"; // the captures were made there (paths rewritten)

  test("vite 7: Rollup failed to resolve import", () => {
    const ds = parseDiagnostics(cap("vite7-missing.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-missing/src/main.ts", line: null, col: null, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe(
      'Rollup failed to resolve import "left-pad-that-does-not-exist" from "samples/vite-missing/src/main.ts".',
    );
  });

  test("vite 7: error during build + file: line", () => {
    const ds = parseDiagnostics(cap("vite7-relative.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-relative/src/main.ts", line: null, col: null, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe('Could not resolve "./helper-that-does-not-exist" from "samples/vite-relative/src/main.ts"');

    const ex = parseDiagnostics(cap("vite7-export.txt"), { cwd });
    expect(ex.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-export/src/main.ts", line: 1, col: 9, code: null, severity: "error" },
    ]);
    expect(ex[0]!.message).toStartWith('"nope" is not exported by "samples/vite-export/src/lib.ts"');
  });

  test("vite 7: esbuild transform error `file:line:col: ERROR: msg` (not double-counted with `file:`)", () => {
    const ds = parseDiagnostics(cap("vite7-syntax.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-syntax/src/main.ts", line: 4, col: 9, code: null, severity: "error" },
    ]);
    expect(ds[0]!.message).toBe('Expected "}" but found "greeting"');
  });

  test("esbuild CLI: ✘ [ERROR] blocks", () => {
    const ds = parseDiagnostics(cap("esbuild-native.txt"), { cwd });
    expect(ds.map(fields)).toEqual([
      { tool: "vite", file: "samples/vite-missing/src/main.ts", line: 1, col: 20, code: null, severity: "error" },
      { tool: "vite", file: "samples/vite-syntax/src/main.ts", line: 4, col: 9, code: null, severity: "error" },
    ]);
  });

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
