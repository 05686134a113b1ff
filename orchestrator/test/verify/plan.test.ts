import { describe, expect, test } from "bun:test";
import { planChecks, prioritize, type CheckPlan } from "../../src/verify/plan.ts";
import { runChecks } from "../../src/verify/run.ts";
import { createWorkspace } from "../../testing/workspace.ts";

async function plan(dir: string, timeoutMs = 10_000): Promise<CheckPlan> {
  return planChecks(dir, { timeoutFor: () => timeoutMs, bunPath: process.execPath });
}

describe("planChecks", () => {
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

describe("prioritize", () => {
  const spec = (name: string) => ({ name, command: "bun", args: ["run", name], timeoutMs: 1, after: [], priority: "normal" as const });
  const three = [spec("typecheck"), spec("lint"), spec("build")];
  const cases: Array<[string, ReturnType<typeof spec>[], string[]]> = [
    ["one check keeps normal priority", [spec("lint")], ["normal"]],
    ["the typecheck is taken as the slowest", three, ["normal", "low", "low"]],
    ["no typecheck: the first check", [spec("lint"), spec("build")], ["normal", "low"]],
  ];
  for (const [name, checks, expected] of cases) {
    test(name, () => expect(prioritize(checks).map((c) => c.priority)).toEqual(expected as Array<"normal" | "low">));
  }
});
