// The cascade bench (bench/cascade) and its task suite (bench/tasks): the suite is sound (every
// hidden test fails on the untouched workspace and passes with the reference solution), the
// recorded replies do what they claim, and `run.ts --recorded` on a small subset prints exactly
// the pass rates the recordings imply. The full bench is not a test: it takes minutes.
// The bench runs as child processes: `check.ts` prints what the suite and the recordings say
// (as JSON), `run.ts --recorded` prints its table.
import { describe, expect, test } from "bun:test";
import { TIERS, type Tier } from "../../src/core/types.ts";
import { benchJson, runBenchScript } from "../../testing/bench-script.ts";

type Mode = "fast" | "deep" | "cascade";
type Outcomes = Record<Mode, { pass: boolean; complete: boolean; attempts: number; attemptsByTier: Record<Tier, number> }>;

interface SuiteFacts {
  modes: Mode[];
  expectedPass: Record<"on" | "off", Record<Mode, number>>;
  expectedSubset: { tasks: number; pass: Record<Mode, number> };
  tierDelayMs: Record<Tier, number>;
  recordingProblems: Array<{ task: string; problem: string }>;
  tasks: Array<{
    id: string;
    filesOwned: string[];
    setupFiles: string[];
    profile: string | null;
    profileWithoutContext: string | null;
    expected: Outcomes | null;
    expectedWithoutContext: Outcomes | null;
  }>;
}

interface HiddenTestFacts {
  hiddenTests: Array<{ id: string; ok: boolean; untouchedPasses: boolean; solvedPasses: boolean; solvedOutput: string }>;
}

const facts = await benchJson<SuiteFacts>("cascade/check.ts", []);
const suite = facts.tasks;
const MODES = facts.modes;
type Task = SuiteFacts["tasks"][number];

function passes(tasks: Task[], mode: Mode, context: "on" | "off" = "on"): number {
  return tasks.filter((t) => (context === "on" ? t.expected! : t.expectedWithoutContext!)[mode].pass).length;
}

test("the bench knows the three modes", () => {
  expect(MODES).toEqual(["fast", "deep", "cascade"]);
});

describe("the task suite", () => {
  test("has at least 20 tasks: components, utils and bug fixes with a before file", () => {
    expect(suite.length).toBeGreaterThanOrEqual(20);
    const owns = (dir: string) => suite.filter((t) => t.filesOwned.some((f) => f.startsWith(dir)));
    expect(owns("src/components/").length).toBeGreaterThanOrEqual(5);
    expect(owns("src/utils/").length).toBeGreaterThanOrEqual(5);
    const bugFixes = suite.filter((t) => t.filesOwned.some((f) => t.setupFiles.includes(f)));
    expect(bugFixes.length).toBeGreaterThanOrEqual(5);
    // Hidden tests live outside src/, where the workspace's tsc and ESLint never look.
    for (const t of suite) for (const f of t.filesOwned) expect(f.startsWith("src/")).toBe(true);
  });

  // One workspace and two `bun test` runs for the whole suite; `run.ts --self-check` does the
  // same per task in its own workspace, and also runs typecheck, lint and build on every file.
  test("every hidden test fails on the untouched workspace and passes with the reference solution", async () => {
    // SIGTERM before the test's own timeout: the bench then deletes its workspace.
    const checks = (await benchJson<HiddenTestFacts>("cascade/check.ts", ["--hidden-tests"], 55_000)).hiddenTests;
    const bad = checks
      .filter((c) => !c.ok)
      .map((c) => ({ task: c.id, untouchedPasses: c.untouchedPasses, solvedFails: !c.solvedPasses, output: c.solvedPasses ? "" : c.solvedOutput }));
    expect(bad).toEqual([]);
    expect(checks).toHaveLength(suite.length);
  }, 60_000);
});

describe("the recorded replies", () => {
  test("apply as intended, and imply the pass rates written in recordings.ts", () => {
    expect(facts.recordingProblems).toEqual([]);
    for (const context of ["on", "off"] as const) {
      for (const mode of MODES) expect({ mode, context, pass: passes(suite, mode, context) }).toEqual({ mode, context, pass: facts.expectedPass[context][mode] });
    }
    const subset = suite.slice(0, facts.expectedSubset.tasks);
    for (const mode of MODES) expect({ mode, pass: passes(subset, mode) }).toEqual({ mode, pass: facts.expectedSubset.pass[mode] });
    // The subset covers a fast pass, an escalation, an abort, and a wrong answer that verifies.
    const profiles = new Set(subset.map((t) => t.profile));
    expect([...profiles].sort()).toEqual(["abort", "easy", "escalation", "fast-wrong"]);
  });
});

describe("the context tasks", () => {
  test("cannot be done right without the context: with it every mode passes them, without it fewer do", () => {
    const context = suite.filter((t) => t.profileWithoutContext !== null);
    expect(context.map((t) => t.id)).toEqual(["23-member-roles", "24-price-tag", "25-sort-accounts"]);
    for (const mode of MODES) {
      expect({ mode, pass: passes(context, mode, "on") }).toEqual({ mode, pass: 3 });
      expect({ mode, pass: passes(context, mode, "off") }).toEqual({ mode, pass: 1 });
    }
    // The one that still passes blind pays for it with an attempt: the value import tsc refuses.
    const sort = context.find((t) => t.id === "25-sort-accounts")!;
    expect([sort.expected!.cascade.attempts, sort.expectedWithoutContext!.cascade.attempts]).toEqual([1, 2]);
  });
});

describe("run.ts --recorded", () => {
  test("prints a table with exactly the pass rates and attempts the recordings imply for the subset", async () => {
    const subset = suite.slice(0, facts.expectedSubset.tasks);
    // typecheck only: every failing reply of the subset is a type error, and tsc is the check
    // that catches it; lint and build would only add time (the full bench runs all three).
    const { code, stdout } = await runBenchScript(
      "cascade/run.ts",
      ["--recorded", "--tasks", String(facts.expectedSubset.tasks), "--verify-scripts", "typecheck", "--parallel", "2"],
      // SIGTERM before the test's own timeout: the bench then stops its CLI runs and deletes its temp folders.
      170_000,
    );
    expect(code).toBe(0);
    expect(stdout).toContain("Recorded replies: every run ended as the recordings imply.");

    const rows = new Map<string, string[]>();
    for (const line of stdout.split("\n")) {
      const cells = line.split("|").slice(1, -1).map((c) => c.trim());
      if ((MODES as readonly string[]).includes(cells[0] ?? "")) rows.set(cells[0]!, cells);
    }
    const header = stdout.split("\n").find((l) => l.startsWith("| mode |"))!.split("|").slice(1, -1).map((c) => c.trim());
    const col = (name: string) => header.indexOf(name);
    for (const mode of MODES) {
      const cells = rows.get(mode)!;
      const want = subset.map((t) => t.expected![mode]);
      const pass = want.filter((w) => w.pass).length;
      const n = subset.length;
      expect({ mode, pass: cells[col("pass (hidden tests)")] }).toEqual({ mode, pass: `${pass}/${n} (${((100 * pass) / n).toFixed(1)}%)` });
      expect(pass).toBe(facts.expectedSubset.pass[mode]);
      const meanAttempts = want.reduce((s, w) => s + w.attempts, 0) / n;
      expect({ mode, attempts: cells[col("mean attempts")] }).toEqual({ mode, attempts: meanAttempts.toFixed(2) });
      expect(Number(cells[col("tokens")])).toBeGreaterThan(0);
    }
    // The recorded server holds each reply for its tier's delay (the deep tier three times as long
    // as the fast one), so a mode's model seconds are at least what its calls imply; and by those
    // delays the deep mode, with fewer calls, spends more model time than the fast one. Measured
    // times only add to the delays (more so on a loaded machine), so the bound is never timing luck.
    const modelSeconds = (mode: Mode) => Number(rows.get(mode)![col("model s")]);
    const scriptedSeconds = (mode: Mode) =>
      subset.reduce((s, t) => s + TIERS.reduce((ms, tier) => ms + t.expected![mode].attemptsByTier[tier] * facts.tierDelayMs[tier], 0), 0) / 1000;
    for (const mode of MODES) expect({ mode, atLeast: modelSeconds(mode) >= scriptedSeconds(mode) - 0.005 }).toEqual({ mode, atLeast: true });
    expect(scriptedSeconds("fast")).toBeGreaterThan(0);
    expect(scriptedSeconds("deep")).toBeGreaterThan(scriptedSeconds("fast"));
  }, 180_000);
});

describe("run.ts --recorded --context both", () => {
  test("the context reaches the real CLI's prompts: with it the cascade passes the 3 context tasks, without it 1", async () => {
    const { code, stdout } = await runBenchScript(
      "cascade/run.ts",
      ["--recorded", "--tasks", "23,24,25", "--modes", "cascade", "--context", "both", "--verify-scripts", "typecheck", "--parallel", "2"],
      170_000,
    );
    expect(code).toBe(0);
    // A with-context reply is served only when the prompt shows what the model needs, so this
    // line also says the facts and the imported declarations were in every prompt of the "on" runs.
    expect(stdout).toContain("Recorded replies: every run ended as the recordings imply.");
    const row = (label: string) => stdout.split("\n").find((l) => l.startsWith(`| ${label} |`))!.split("|").map((c) => c.trim());
    expect(row("cascade")[2]).toBe("3/3 (100.0%)");
    expect(row("cascade, no context")[2]).toBe("1/3 (33.3%)");
    const header = stdout.split("\n").find((l) => l.startsWith("| mode |"))!.split("|").map((c) => c.trim());
    const col = header.indexOf("context tokens");
    expect(Number(row("cascade")[col])).toBeGreaterThan(0);
    expect(Number(row("cascade, no context")[col])).toBe(0);
  }, 180_000);
});
