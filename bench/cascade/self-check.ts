// `run.ts --self-check`: checks the suite and its recordings without a model.
import { checkHiddenTests, runHiddenTest } from "./hidden-tests.ts";
import { exec, type LiveSet } from "./processes.ts";
import { checkRecordings, filesForKind, kindsUsed, recordingFor } from "./recorded.ts";
import type { Effect } from "./recordings.ts";
import type { BenchTask } from "./suite.ts";
import { fixtureWorkspace } from "./workspaces.ts";

const ALL_SCRIPTS = ["typecheck", "lint", "build"];

type ScriptResults = Record<string, { ok: boolean; output: string }>;

/** Runs package.json scripts in a fresh workspace with `files`; `then` may look at it before it goes. */
async function runScripts(files: Map<string, string>, names: string[], live: LiveSet, then?: (dir: string) => Promise<void>): Promise<ScriptResults> {
  await using ws = await fixtureWorkspace(files, live);
  const out: ScriptResults = {};
  await Promise.all(
    names.map(async (name) => {
      const r = await exec([process.execPath, "run", "--silent", name], { cwd: ws.dir, env: { ...process.env, CI: "true", NO_COLOR: "1" }, timeoutMs: 180_000, live });
      out[name] = { ok: r.code === 0, output: `${r.stdout}${r.stderr}` };
    }),
  );
  await then?.(ws.dir);
  return out;
}

interface Pick {
  task: BenchTask;
  name: string;
  effect: Effect;
  file: string;
}

/** The variants of these effects that a task's replies use, with the file each one edits. */
function variantsOf(t: BenchTask, effects: Effect[]): Array<Omit<Pick, "task">> {
  const rec = recordingFor(t);
  return Object.entries(rec.variants ?? {})
    .filter(([name, [effect]]) => effects.includes(effect) && kindsUsed(rec).some((k) => k.split(":")[0] === name))
    .map(([name, [effect]]) => ({ name, effect, file: rec.file ?? "" }));
}

/**
 * Variants by round: round k takes every task's k-th variant of these effects, so the files of
 * one round never collide and each round is one set of script runs. Empty after the last round.
 */
function roundOf(tasks: readonly BenchTask[], effects: Effect[], round: number): Pick[] {
  return tasks.flatMap((t) => {
    const v = variantsOf(t, effects)[round];
    return v ? [{ task: t, ...v }] : [];
  });
}

/** Every task's setup files, with the round's replies on top. */
function roundFiles(tasks: readonly BenchTask[], picks: readonly Pick[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const t of tasks) for (const [f, c] of t.setup) files.set(f, c);
  for (const p of picks) for (const [f, c] of filesForKind(p.task, p.name)!) files.set(f, c);
  return files;
}

/**
 * Checks the suite and its recordings without a model:
 *  1. per task: the hidden test FAILS on the untouched workspace and PASSES with the solution;
 *  2. the recordings: expectations agree with the replies, each reply applies to the intended files;
 *  3. all setup files together pass typecheck, lint and build (so a run's baseline is clean);
 *  4. all solutions together pass typecheck, lint and build;
 *  5. every "wrong" reply passes typecheck, lint and build but fails its hidden test;
 *  6. every "typecheck" / "lint" reply fails that script with an error in its own file.
 */
export async function selfCheck(tasks: BenchTask[], parallel: number, live: LiveSet): Promise<number> {
  const problems: string[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = performance.now();

  log(`1. hidden tests of ${tasks.length} tasks`);
  for (const c of await checkHiddenTests(tasks, parallel, live)) {
    if (c.untouched.pass) problems.push(`${c.id}: the hidden test passes on the untouched workspace`);
    if (!c.solved.pass) problems.push(`${c.id}: the hidden test fails with the reference solution:\n${c.solved.output.trim()}`);
  }

  log("2. recordings");
  for (const p of await checkRecordings(tasks)) problems.push(`${p.task}: recording: ${p.problem}`);

  const union = (pick: (t: BenchTask) => Map<string, string> | null) => {
    const files = new Map<string, string>();
    for (const t of tasks) for (const [f, c] of pick(t) ?? []) {
      if (files.has(f) && files.get(f) !== c) problems.push(`${t.id}: ${f} is also written by another task`);
      files.set(f, c);
    }
    return files;
  };
  const failures = (out: ScriptResults, what: string) => {
    for (const [name, r] of Object.entries(out)) if (!r.ok) problems.push(`${what} fail ${name}:\n${r.output.trim()}`);
  };

  log("3. setup files: typecheck, lint, build");
  failures(await runScripts(union((t) => t.setup), ALL_SCRIPTS, live), "setup files");
  log("4. solutions: typecheck, lint, build");
  failures(await runScripts(union((t) => new Map([...t.setup, ...t.solution])), ALL_SCRIPTS, live), "solutions");

  log("5. wrong replies: verify passes, hidden test fails");
  for (let round = 0, picks = roundOf(tasks, ["wrong"], 0); picks.length > 0; picks = roundOf(tasks, ["wrong"], ++round)) {
    log(`   round ${round + 1}: ${picks.map((p) => `${p.task.id}/${p.name}`).join(", ")}`);
    const out = await runScripts(roundFiles(tasks, picks), ALL_SCRIPTS, live, async (dir) => {
      for (const p of picks) {
        const h = await runHiddenTest(p.task, dir, live);
        if (h.pass) problems.push(`${p.task.id}/${p.name}: a "wrong" reply passes the hidden test`);
      }
    });
    failures(out, `wrong replies (round ${round + 1})`);
  }

  log("6. failing replies: typecheck / lint report them");
  const failing: Effect[] = ["typecheck", "lint"];
  for (let round = 0, picks = roundOf(tasks, failing, 0); picks.length > 0; picks = roundOf(tasks, failing, ++round)) {
    log(`   round ${round + 1}: ${picks.map((p) => `${p.task.id}/${p.name} (${p.effect})`).join(", ")}`);
    const out = await runScripts(roundFiles(tasks, picks), failing, live);
    for (const p of picks) {
      const r = out[p.effect]!;
      if (r.ok || !r.output.includes(p.file)) problems.push(`${p.task.id}/${p.name}: ${p.effect} does not report an error in ${p.file}`);
      if (p.effect === "lint" && out.typecheck!.output.includes(p.file)) problems.push(`${p.task.id}/${p.name}: meant as a lint error, but tsc reports it too`);
    }
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (problems.length === 0) {
    process.stdout.write(`self-check: ${tasks.length} tasks OK (${seconds} s)\n`);
    return 0;
  }
  process.stdout.write(`self-check: ${problems.length} problem(s) (${seconds} s)\n${problems.map((p) => `- ${p}`).join("\n")}\n`);
  return 1;
}
