// Measuring a project's checks: one attempt's planned checks run one after another and together,
// with their wall time, their CPU and what other processes used meanwhile.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { planChecks, type CheckPlan } from "../../orchestrator/src/verify/plan.ts";
import { runCommand, type CommandRunner } from "../../orchestrator/src/verify/process.ts";
import { runChecks, type VerifyRun } from "../../orchestrator/src/verify/run.ts";
import { countLines, seconds as sec } from "../lib/format.ts";
import { childCpuMs, machineBusyMs, selfCpuMs } from "../lib/machine.ts";
import { listTs, type Project } from "./projects.ts";
import type { QuietWaiter } from "./quiet.ts";

const CHECK_TIMEOUT_MS = 180_000;

export interface Sample {
  wallMs: number;
  /** user+sys CPU of every check process (and their children) during the run. */
  cpuMs: number;
  checkMs: Record<string, number>;
  checkCpuMs: Record<string, number>;
  /** Machine CPU time used by anything but the checks and this process during the run. */
  otherCpuMs: number;
}

export interface ProjectResult {
  project: Project;
  files: number;
  lines: number;
  checks: string[];
  /** The check left at normal priority (the others run under nice), as the orchestrator picks it. */
  normal: string;
  seq: Sample[];
  par: Sample[];
}
async function measure(ws: string, plan: CheckPlan, sequential: boolean): Promise<Sample> {
  const checkCpuMs: Record<string, number> = {};
  // Only in sequential mode is one check alone at a time, so only there is a per-check CPU
  // reading meaningful. The wrapper adds a /proc read around the default runner, nothing else.
  let runner: CommandRunner = runCommand;
  if (sequential) {
    runner = async (command, args, options) => {
      const before = childCpuMs();
      const result = await runCommand(command, args, options);
      // A low-priority check's command is `nice -n 10 <command> <args>`: match on the tail.
      const line = [command, ...args].join(" ");
      const name = plan.checks.find((c) => line.endsWith([c.command, ...c.args].join(" ")))?.name ?? line;
      checkCpuMs[name] = childCpuMs() - before;
      return result;
    };
  }
  const cpuBefore = childCpuMs();
  const selfBefore = selfCpuMs();
  const busyBefore = machineBusyMs();
  const run: VerifyRun = await runChecks(ws, plan, { sequential, runner });
  const busy = machineBusyMs() - busyBefore;
  const cpuMs = childCpuMs() - cpuBefore;
  const otherCpuMs = Math.max(0, busy - cpuMs - (selfCpuMs() - selfBefore));
  if (!run.ok) {
    const failed = run.checks.filter((c) => !c.ok);
    throw new Error(
      `checks failed in ${ws}, the timing would mean nothing:\n` +
        failed.map((c) => `--- ${c.name} (${c.reason}, exit ${c.exitCode})\n${c.outputTail}`).join("\n"),
    );
  }
  const checkMs: Record<string, number> = {};
  for (const c of run.checks) checkMs[c.name] = c.durationMs;
  return { wallMs: run.durationMs, cpuMs, checkMs, checkCpuMs, otherCpuMs };
}

export async function benchProject(project: Project, runs: number, quiet: QuietWaiter): Promise<ProjectResult> {
  await using ws = await project.open();
  const tsFiles = (await listTs(path.join(ws.dir, "src"))).filter((f) => !f.endsWith(".d.ts"));
  let lines = 0;
  for (const f of tsFiles) lines += countLines(await readFile(path.join(ws.dir, "src", f), "utf8"));
  let plan = await planChecks(ws.dir, { timeoutFor: () => CHECK_TIMEOUT_MS, bunPath: process.execPath });
  if (plan.skipped.length > 0) console.error(`  skipped: ${plan.skipped.map((s) => `${s.check} (${s.reason})`).join(", ")}`);
  const checks = plan.checks.map((c) => c.name);
  console.error(`${project.name}: ${tsFiles.length} .ts files, checks ${checks.join(", ")} via ${plan.packageManager}`);

  const seq: Sample[] = [];
  const par: Sample[] = [];
  for (let i = 0; i <= runs; i++) {
    await quiet.wait();
    const s = await measure(ws.dir, plan, true);
    await quiet.wait();
    const p = await measure(ws.dir, plan, false);
    const label = i === 0 ? "warm-up" : `run ${i}/${runs}`;
    const other = (s.otherCpuMs + p.otherCpuMs) / (s.wallMs + p.wallMs);
    console.error(`  ${label}: sequential ${sec(s.wallMs)} s, parallel ${sec(p.wallMs)} s (other load ${other.toFixed(2)} cores; waited for quiet ${Math.round(quiet.waitedMs() / 1000)} s so far)`);
    if (i === 0) continue; // warm-up; priorities stay as planChecks set them, as in the orchestrator
    seq.push(s);
    par.push(p);
  }
  const normal = plan.checks.find((c) => c.priority === "normal")?.name ?? "?";
  console.error(`  normal priority: ${normal}; under nice: ${plan.checks.filter((c) => c.priority === "low").map((c) => c.name).join(", ")}`);
  return { project, files: tsFiles.length, lines, checks, normal, seq, par };
}
