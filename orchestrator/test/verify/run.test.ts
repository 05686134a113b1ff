import { describe, expect, test } from "bun:test";
import { planChecks, prioritize, type CheckPlan } from "../../src/verify/plan.ts";
import type { Diagnostic } from "../../src/verify/diagnostics/index.ts";
import { capErrors, judge, runChecks, type CheckResult, type VerifyRun } from "../../src/verify/run.ts";
import { createWorkspace } from "../../testing/workspace.ts";

async function plan(dir: string, timeoutMs = 10_000): Promise<CheckPlan> {
  return planChecks(dir, { timeoutMs, bunPath: process.execPath });
}

describe("runChecks on real processes", () => {
  test("independent checks run at the same time", async () => {
    // Each check waits for the other's flag: run one after the other, the first would give up.
    const waitFor = (mine: string, theirs: string) =>
      `touch ${mine}; for i in $(seq 200); do test -f ${theirs} && exit 0; sleep 0.05; done; echo never saw ${theirs}; exit 1`;
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: waitFor("a.flag", "b.flag"), lint: waitFor("b.flag", "a.flag") } });
    const run = await runChecks(ws.dir, await plan(ws.dir));
    expect(run.checks.map((c) => [c.name, c.ok])).toEqual([["typecheck", true], ["lint", true]]);
  });

  test("a build that runs tsc waits for the typecheck and is skipped when it fails", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: { typecheck: "echo 'src/a.ts(1,7): error TS2322: bad.'; exit 2", lint: "true", build: "tsc -b && touch built.flag" },
    });
    const p = await plan(ws.dir);
    expect(p.checks.find((c) => c.name === "build")!.after).toEqual(["typecheck"]);
    const run = await runChecks(ws.dir, p);
    const build = run.checks.find((c) => c.name === "build")!;
    expect(build.reason).toBe("skipped");
    expect(build.outputTail).toContain("repeat the typecheck errors");
    expect(await ws.read("built.flag")).toBeNull();
    expect(run.ok).toBe(false);
  });

  test("real error lines come back parsed, with workspace-relative paths", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: { typecheck: "echo \"$PWD/src/x.tsx(15,3): error TS2322: Type 'string' is not assignable to type 'number'.\"; exit 2" },
    });
    const run = await runChecks(ws.dir, await plan(ws.dir));
    expect(run.checks[0]!.diagnostics[0]).toMatchObject({ tool: "tsc", file: "src/x.tsx", line: 15, col: 3, code: "TS2322" });
  });

  test("5 MB of output neither hangs nor fills memory", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: { lint: "head -c 5000000 /dev/zero | tr '\\0' 'x'; echo; echo 'src/a.ts:1:1: Unexpected thing [Error/no-bad]'; exit 1" },
    });
    const run = await runChecks(ws.dir, await plan(ws.dir));
    const lint = run.checks[0]!;
    expect(lint.ok).toBe(false);
    expect(lint.reason).toBe("exit");
    expect(lint.outputTail.length).toBeLessThan(200_000);
  });

  test("a hanging check is killed with its process group at its timeout", async () => {
    const marker = String(700_000 + Math.floor(Math.random() * 99_999));
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: `sh -c 'sleep ${marker}' & sleep ${marker}` } });
    const run = await runChecks(ws.dir, await plan(ws.dir, 800));
    expect(run.checks[0]).toMatchObject({ ok: false, reason: "timeout" });
    expect(run.checks[0]!.diagnostics[0]!.message).toContain("timed out after 800 ms");
    expect(Bun.spawnSync(["pgrep", "-f", `sleep ${marker}`]).stdout.toString().trim()).toBe("");
  });

  test("checks never inherit stdin and run with CI=true and no colour", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: { typecheck: "cat > stdin.txt", lint: 'test "$CI" = true && test "$NO_COLOR" = 1 && test "$FORCE_COLOR" = 0' },
    });
    const run = await runChecks(ws.dir, await plan(ws.dir, 5_000));
    expect(run.checks.map((c) => [c.name, c.ok])).toEqual([["typecheck", true], ["lint", true]]);
    expect(await ws.read("stdin.txt")).toBe("");
  });

  test("a missing script is skipped, and says so", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { lint: "true" } });
    const p = await plan(ws.dir);
    expect(p.checks.map((c) => c.name)).toEqual(["lint"]);
    expect(p.skipped).toEqual([
      { check: "typecheck", reason: 'no "typecheck" script in package.json' },
      { check: "build", reason: 'no "build" script in package.json' },
    ]);
  });
});

describe("package manager detection", () => {
  const cases: Array<[string, string, string[]]> = [
    ["bun.lock", "bun", ["run", "--silent", "lint"]],
    ["pnpm-lock.yaml", "pnpm", ["run", "--silent", "lint"]],
    ["yarn.lock", "yarn", ["--silent", "run", "lint"]],
    ["package-lock.json", "npm", ["run", "--silent", "lint"]],
  ];
  for (const [lockfile, pm, args] of cases) {
    test(`${lockfile} -> ${pm}`, async () => {
      await using ws = await createWorkspace({ template: "empty", scripts: { lint: "true" }, files: { [lockfile]: "" } });
      const p = await plan(ws.dir);
      expect(p.packageManager).toBe(pm as CheckPlan["packageManager"]);
      expect(p.checks[0]!.args).toEqual(args);
    });
  }

  test("no lockfile runs scripts with bun", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { lint: "true" } });
    const p = await plan(ws.dir);
    expect(p.packageManager).toBe("bun");
    expect(p.checks[0]!.command).toBe(process.execPath);
  });

  for (const pm of ["pnpm", "yarn", "npm"] as const) {
    const installed = Bun.which(pm) !== null;
    if (!installed) console.warn(`skipping the real ${pm} run: ${pm} is not installed on this machine`);
    test.skipIf(!installed)(`a workspace with a ${pm} lockfile really runs its script through ${pm}`, async () => {
      const lock = { pnpm: "pnpm-lock.yaml", yarn: "yarn.lock", npm: "package-lock.json" }[pm];
      await using ws = await createWorkspace({ template: "empty", scripts: { lint: 'echo "agent=$npm_config_user_agent" > agent.txt' }, files: { [lock]: "" } });
      const run = await runChecks(ws.dir, await plan(ws.dir, 30_000));
      expect(run.checks[0]!.ok).toBe(true);
      expect(await ws.read("agent.txt")).toContain(`agent=${pm}/`);
    });
  }
});

const diag = (file: string | null, code: string, message: string, line = 1): Diagnostic => ({
  tool: "tsc",
  file,
  line,
  col: 1,
  code,
  message,
  severity: "error",
  raw: "",
});
const check = (name: string, diagnostics: Diagnostic[], reason: CheckResult["reason"] = "exit"): CheckResult => ({
  name,
  ok: diagnostics.length === 0 && reason === "exit",
  reason,
  exitCode: diagnostics.length ? 2 : 0,
  durationMs: 1,
  diagnostics,
  outputTail: "",
});
const runOf = (...checks: CheckResult[]): VerifyRun => ({ ok: checks.every((c) => c.ok), checks, durationMs: 1 });

describe("judge", () => {
  const old = diag("src/Other.tsx", "TS2322", "Type 'string' is not assignable to type 'number'.", 10);
  const fresh = diag("src/Card.tsx", "TS2304", "Cannot find name 'x'.", 3);
  const cases: Array<{ name: string; baseline: VerifyRun | null; run: VerifyRun; strict?: boolean; ok: boolean; errors?: string[] }> = [
    { name: "no baseline: every error counts", baseline: null, run: runOf(check("typecheck", [old])), ok: false },
    { name: "a pre-existing error elsewhere is not blamed", baseline: runOf(check("typecheck", [old])), run: runOf(check("typecheck", [old])), ok: true },
    {
      name: "the pre-existing error still matches after its line moved",
      baseline: runOf(check("typecheck", [old])),
      run: runOf(check("typecheck", [{ ...old, line: 14 }])),
      ok: true,
    },
    {
      name: "a new error is blamed, the old one is not",
      baseline: runOf(check("typecheck", [old])),
      run: runOf(check("typecheck", [old, fresh])),
      ok: false,
      errors: ["src/Card.tsx(3,1): error TS2304: Cannot find name 'x'."],
    },
    { name: "strict mode blames the old error too", baseline: runOf(check("typecheck", [old])), run: runOf(check("typecheck", [old])), strict: true, ok: false },
    {
      name: "an error in an owned file that was there before must be gone (a fix-this task)",
      baseline: runOf(check("typecheck", [{ ...old, file: "src/Card.tsx" }])),
      run: runOf(check("typecheck", [{ ...old, file: "src/Card.tsx" }])),
      ok: false,
    },
    { name: "a fix-this task passes when the error is gone", baseline: runOf(check("typecheck", [{ ...old, file: "src/Card.tsx" }])), run: runOf(check("typecheck", [])), ok: true },
    {
      name: "a timeout always counts",
      baseline: runOf(check("typecheck", [old])),
      run: runOf(check("typecheck", [diag(null, "typecheck", "typecheck timed out")], "timeout")),
      ok: false,
    },
    { name: "a check that passed before and fails now counts whole", baseline: runOf(check("lint", [])), run: runOf(check("lint", [old])), ok: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const verdict = judge(c.run, { baseline: c.baseline, strict: c.strict ?? false, owned: ["src/Card.tsx"] });
      expect(verdict.ok).toBe(c.ok);
      if (c.errors) expect(verdict.errors).toEqual(c.errors);
    });
  }

  test("errors in owned files come first", () => {
    const verdict = judge(runOf(check("typecheck", [old, fresh])), { baseline: null, strict: false, owned: ["src/Card.tsx"] });
    expect(verdict.diagnostics.map((d) => d.file)).toEqual(["src/Card.tsx", "src/Other.tsx"]);
  });
});

test("capErrors keeps whole lines and says how many were cut", () => {
  const errors = Array.from({ length: 50 }, (_, i) => `e${i}`);
  const capped = capErrors(errors, 10);
  expect(capped).toHaveLength(11);
  expect(capped.at(-1)).toBe("[... 40 more errors not shown ...]");
  expect(capErrors(["x".repeat(900)])[0]!.length).toBe(501);
});

describe("prioritize", () => {
  const spec = (name: string) => ({ name, command: "bun", args: ["run", name], timeoutMs: 1, after: [], priority: "normal" as const });
  const three = [spec("typecheck"), spec("lint"), spec("build")];
  const cases: Array<[string, ReturnType<typeof spec>[], Map<string, number> | undefined, string[]]> = [
    ["one check keeps normal priority", [spec("lint")], undefined, ["normal"]],
    ["without timings the typecheck is taken as the slowest", three, undefined, ["normal", "low", "low"]],
    ["with timings the slowest gets the core", three, new Map([["typecheck", 900], ["lint", 2_400], ["build", 300]]), ["low", "normal", "low"]],
    ["no typecheck and no timings: the first check", [spec("lint"), spec("build")], undefined, ["normal", "low"]],
  ];
  for (const [name, checks, durations, expected] of cases) {
    test(name, () => expect(prioritize(checks, durations).map((c) => c.priority)).toEqual(expected as Array<"normal" | "low">));
  }

  test("a low-priority check really runs under nice", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "nice > tc.txt", lint: "nice > lint.txt" } });
    const run = await runChecks(ws.dir, await plan(ws.dir));
    expect(run.ok).toBe(true);
    expect((await ws.read("tc.txt"))!.trim()).toBe("0");
    expect((await ws.read("lint.txt"))!.trim()).toBe("10");
  });

  // Each check leads its own session; with Linux autogroup the session's group must be niced too.
  const autogroup = Bun.spawnSync(["cat", "/proc/self/autogroup"]).exitCode === 0;
  if (!autogroup) console.warn("skipping the autogroup check: this kernel has no /proc/self/autogroup");
  test.skipIf(!autogroup)("a low-priority check's session is niced where the scheduler groups by session", async () => {
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "cat /proc/self/autogroup > tc.txt", lint: "cat /proc/self/autogroup > lint.txt" } });
    const run = await runChecks(ws.dir, await plan(ws.dir));
    expect(run.ok).toBe(true);
    expect(await ws.read("tc.txt")).toMatch(/ nice 0\n$/);
    expect(await ws.read("lint.txt")).toMatch(/ nice 10\n$/);
  });
});
