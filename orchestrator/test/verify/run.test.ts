import { describe, expect, test } from "bun:test";
import { planChecks, type CheckPlan } from "../../src/verify/plan.ts";
import { runChecks } from "../../src/verify/run.ts";
import { createWorkspace } from "../../testing/workspace.ts";

async function plan(dir: string, timeoutMs = 10_000): Promise<CheckPlan> {
  return planChecks(dir, { timeoutFor: () => timeoutMs, bunPath: process.execPath });
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
});

describe("low-priority checks", () => {
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
