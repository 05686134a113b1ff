// Verification wall time per attempt: the workspace's planned checks (typecheck, lint, build) run
// one after another and together, on the small react-ts fixture and on a larger real project
// (rxjs 7.8.2's shipped TypeScript sources, see fixtures/rxjs).
//
//   cd orchestrator && bun ../bench/verify/run.ts [--runs N]
//
// Setup (once; both installs are pinned by their bun.lock):
//   cd orchestrator/testing/fixtures/react-ts && bun install --frozen-lockfile
//   cd bench/verify/fixtures/rxjs && bun install --frozen-lockfile
//
// Per project: 1 warm-up of each mode, then N runs of each mode, alternating. Prints markdown
// tables and rewrites the "## Verification wall time (bench/verify)" section of bench/RESULTS.md.
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { planChecks, type CheckPlan } from "../../orchestrator/src/verify/plan.ts";
import { runCommand, type CommandRunner } from "../../orchestrator/src/verify/process.ts";
import { runChecks, type VerifyRun } from "../../orchestrator/src/verify/run.ts";
import { createWorkspace, type TempWorkspace } from "../../orchestrator/testing/workspace.ts";

const TARGET_RATIO = 1.1;
const CHECK_TIMEOUT_MS = 180_000;
const SECTION = "## Verification wall time (bench/verify)";
const RESULTS_FILE = path.resolve(import.meta.dir, "..", "RESULTS.md");
const RXJS_FIXTURE = path.join(import.meta.dir, "fixtures", "rxjs");
/** Files of the rxjs fixture copied into each workspace next to the rxjs sources. */
const RXJS_CONFIG_FILES = ["package.json", "bun.lock", "tsconfig.json", "eslint.config.js", "vite.config.js"];

interface Project {
  name: string;
  describe: string;
  open(): Promise<TempWorkspace>;
}

interface Sample {
  wallMs: number;
  /** user+sys CPU of every check process (and their children) during the run. */
  cpuMs: number;
  checkMs: Record<string, number>;
  checkCpuMs: Record<string, number>;
  /** Machine CPU time used by anything but the checks and this process during the run. */
  otherCpuMs: number;
}

interface ProjectResult {
  project: Project;
  files: number;
  lines: number;
  checks: string[];
  /** The check left at normal priority (the others run under nice), as the orchestrator picks it. */
  normal: string;
  seq: Sample[];
  par: Sample[];
}

function parseArgs(argv: string[]): { runs: number } {
  let runs = 5;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = arg === "--runs" ? argv[++i] : arg?.startsWith("--runs=") ? arg.slice(7) : undefined;
    if (value !== undefined) {
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a positive integer, got ${value}`);
    } else {
      throw new Error(`unknown argument ${arg}; usage: bun ../bench/verify/run.ts [--runs N]`);
    }
  }
  return { runs };
}

// ---- CPU time of reaped children, from /proc/self/stat (cutime + cstime, in clock ticks) ----

const CLK_TCK = (() => {
  const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
  return Number(out) > 0 ? Number(out) : 100;
})();

/** Busy CPU time of the whole machine (all processes, plus time stolen by the hypervisor). */
function machineBusyMs(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
  return (busy * 1000) / CLK_TCK;
}

/** CPU time of this bun process itself. */
function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * This machine may be shared (other sessions' tests and benches): before each timed run, wait
 * until other processes keep less than QUIET_CORES busy over one second, spending at most what
 * is left of a wait budget for the whole bench. It never touches the checks; the "other load"
 * column reports what other processes did during the timed runs all the same.
 */
const QUIET_CORES = 0.15;
const QUIET_WAIT_BUDGET_MS = 45_000;
const waitBudget = { leftMs: QUIET_WAIT_BUDGET_MS, waitedMs: 0 };

async function waitForQuiet(): Promise<void> {
  while (true) {
    const busyBefore = machineBusyMs();
    const selfBefore = selfCpuMs();
    const started = performance.now();
    await Bun.sleep(1000);
    const elapsed = performance.now() - started;
    const load = (machineBusyMs() - busyBefore - (selfCpuMs() - selfBefore)) / elapsed;
    if (load < QUIET_CORES || waitBudget.leftMs <= 0) return;
    waitBudget.leftMs -= elapsed;
    waitBudget.waitedMs += elapsed;
  }
}

function childCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
}

// ---- Projects ----

async function listTs(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listTs(dir, childRel)));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name)) out.push(childRel);
  }
  return out.sort();
}

const reactTs: Project = {
  name: "react-ts",
  describe: "orchestrator/testing/fixtures/react-ts (Vite react-ts template)",
  open: () => createWorkspace({ template: "react-ts" }),
};

const rxjs: Project = {
  name: "rxjs 7.8.2",
  describe: "bench/verify/fixtures/rxjs: the `src/` that the rxjs 7.8.2 npm package ships",
  async open() {
    const nodeModules = path.join(RXJS_FIXTURE, "node_modules");
    const src = path.join(nodeModules, "rxjs", "src");
    if (!existsSync(path.join(nodeModules, ".bin")) || !existsSync(src)) {
      throw new Error(
        `${RXJS_FIXTURE} is not installed: run \`cd bench/verify/fixtures/rxjs && bun install --frozen-lockfile\``,
      );
    }
    const files: Record<string, string> = {};
    for (const name of RXJS_CONFIG_FILES) files[name] = await readFile(path.join(RXJS_FIXTURE, name), "utf8");
    for (const rel of await listTs(src)) files[`src/${rel}`] = await readFile(path.join(src, rel), "utf8");
    const ws = await createWorkspace({ template: "empty", files });
    // Disposal unlinks <dir>/node_modules before deleting the dir, so the shared install is safe.
    await symlink(nodeModules, path.join(ws.dir, "node_modules"), "dir");
    return ws;
  },
};

// ---- Measuring ----

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

async function benchProject(project: Project, runs: number): Promise<ProjectResult> {
  await using ws = await project.open();
  const tsFiles = (await listTs(path.join(ws.dir, "src"))).filter((f) => !f.endsWith(".d.ts"));
  let lines = 0;
  for (const f of tsFiles) lines += (await readFile(path.join(ws.dir, "src", f), "utf8")).split("\n").length;
  let plan = await planChecks(ws.dir, { timeoutMs: CHECK_TIMEOUT_MS, bunPath: process.execPath });
  if (plan.skipped.length > 0) console.error(`  skipped: ${plan.skipped.map((s) => `${s.check} (${s.reason})`).join(", ")}`);
  const checks = plan.checks.map((c) => c.name);
  console.error(`${project.name}: ${tsFiles.length} .ts files, checks ${checks.join(", ")} via ${plan.packageManager}`);

  const seq: Sample[] = [];
  const par: Sample[] = [];
  for (let i = 0; i <= runs; i++) {
    await waitForQuiet();
    const s = await measure(ws.dir, plan, true);
    await waitForQuiet();
    const p = await measure(ws.dir, plan, false);
    const label = i === 0 ? "warm-up" : `run ${i}/${runs}`;
    const other = (s.otherCpuMs + p.otherCpuMs) / (s.wallMs + p.wallMs);
    console.error(`  ${label}: sequential ${sec(s.wallMs)} s, parallel ${sec(p.wallMs)} s (other load ${other.toFixed(2)} cores; waited for quiet ${Math.round(waitBudget.waitedMs / 1000)} s so far)`);
    if (i === 0) continue; // warm-up; priorities stay as planChecks set them, as in the orchestrator
    seq.push(s);
    par.push(p);
  }
  const normal = plan.checks.find((c) => c.priority === "normal")?.name ?? "?";
  console.error(`  normal priority: ${normal}; under nice: ${plan.checks.filter((c) => c.priority === "low").map((c) => c.name).join(", ")}`);
  return { project, files: tsFiles.length, lines, checks, normal, seq, par };
}

// ---- Reporting ----

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

const sec = (ms: number) => (ms / 1000).toFixed(2);

interface Summary {
  seqMedian: number;
  seqMin: number;
  parMedian: number;
  parMin: number;
  aloneMedian: Record<string, number>;
  inParMedian: Record<string, number>;
  cpuAloneMedian: Record<string, number>;
  cpuMedian: number;
  slowest: string;
  slowestMs: number;
  ratio: number;
  /** Parallel min over the slowest check's min alone: the least disturbed runs of each. */
  minRatio: number;
  /** Cores kept busy by other processes on average over all timed runs. */
  otherCores: number;
}

function summarize(r: ProjectResult): Summary {
  const aloneMedian: Record<string, number> = {};
  const inParMedian: Record<string, number> = {};
  const cpuAloneMedian: Record<string, number> = {};
  for (const name of r.checks) {
    aloneMedian[name] = median(r.seq.map((s) => s.checkMs[name] ?? 0));
    inParMedian[name] = median(r.par.map((s) => s.checkMs[name] ?? 0));
    cpuAloneMedian[name] = median(r.seq.map((s) => s.checkCpuMs[name] ?? 0));
  }
  const slowest = r.checks.reduce((a, b) => (aloneMedian[b]! > aloneMedian[a]! ? b : a));
  const slowestMs = aloneMedian[slowest]!;
  const parMedian = median(r.par.map((s) => s.wallMs));
  return {
    seqMedian: median(r.seq.map((s) => s.wallMs)),
    seqMin: Math.min(...r.seq.map((s) => s.wallMs)),
    parMedian,
    parMin: Math.min(...r.par.map((s) => s.wallMs)),
    aloneMedian,
    inParMedian,
    cpuAloneMedian,
    cpuMedian: median(r.par.map((s) => s.cpuMs)),
    slowest,
    slowestMs,
    ratio: parMedian / slowestMs,
    minRatio:
      Math.min(...r.par.map((s) => s.wallMs)) /
      Math.max(...r.checks.map((n) => Math.min(...r.seq.map((s) => s.checkMs[n] ?? 0)))),
    otherCores: sum([...r.seq, ...r.par].map((s) => s.otherCpuMs)) / sum([...r.seq, ...r.par].map((s) => s.wallMs)),
  };
}

function render(results: ProjectResult[], runs: number, cores: number): string {
  const summaries = results.map(summarize);
  const out: string[] = [];
  out.push(
    `| project | .ts files (lines) | sequential median (min) | parallel median (min) | slowest check alone (median) | not niced | parallel / slowest | target ≤ ${TARGET_RATIO}x | same, of mins | check CPU per parallel attempt | CPU / ${cores} cores | other load |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  results.forEach((r, i) => {
    const s = summaries[i]!;
    out.push(
      `| ${r.project.name} | ${r.files} (${r.lines}) | ${sec(s.seqMedian)} s (${sec(s.seqMin)}) | ${sec(s.parMedian)} s (${sec(s.parMin)}) | ` +
        `${s.slowest} ${sec(s.slowestMs)} s | ${r.normal} | ${s.ratio.toFixed(2)}x | ${s.ratio <= TARGET_RATIO ? "met" : "**missed**"} | ${s.minRatio.toFixed(2)}x | ` +
        `${sec(s.cpuMedian)} CPU-s | ${sec(s.cpuMedian / cores)} s | ${s.otherCores.toFixed(2)} cores |`,
    );
  });
  out.push(
    "",
    `Each check, median over ${runs} runs: alone (from the sequential runs) and inside the parallel runs.`,
    "",
    "| project | check | alone | CPU alone (user+sys) | cores busy alone | in parallel run | slowdown in parallel |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  results.forEach((r, i) => {
    const s = summaries[i]!;
    for (const name of r.checks) {
      const alone = s.aloneMedian[name]!;
      const inPar = s.inParMedian[name]!;
      out.push(
        `| ${r.project.name} | ${name} | ${sec(alone)} s | ${sec(s.cpuAloneMedian[name]!)} CPU-s | ` +
          `${(s.cpuAloneMedian[name]! / alone).toFixed(2)} | ${sec(inPar)} s | ${(inPar / alone).toFixed(2)}x |`,
      );
    }
  });
  out.push("");
  results.forEach((r, i) => {
    const s = summaries[i]!;
    const noise =
      s.otherCores >= 0.1
        ? ` Other processes kept ${s.otherCores.toFixed(2)} of the ${cores} cores busy on average during these runs, so all times here are inflated by that.`
        : "";
    const head = `- **${r.project.name}**: parallel ${sec(s.parMedian)} s vs ${s.slowest} alone ${sec(s.slowestMs)} s = ${s.ratio.toFixed(2)}x`;
    if (s.ratio <= TARGET_RATIO) {
      out.push(`${head}: target met.${noise}`);
      return;
    }
    const bound = s.cpuMedian / cores;
    const cpuText =
      `the checks need ${sec(s.cpuMedian)} CPU-s per attempt, so on ${cores} cores they take at least ${sec(bound)} s ` +
      `of wall time however they are scheduled (${(bound / s.slowestMs).toFixed(2)}x the slowest check alone)` +
      (bound >= s.slowestMs * TARGET_RATIO
        ? `: CPU contention puts ${TARGET_RATIO}x out of reach on this machine`
        : `, under ${TARGET_RATIO}x, so CPU alone does not explain the whole miss`);
    const slowdowns = r.checks
      .map((n) => `${n} ${sec(s.aloneMedian[n]!)} → ${sec(s.inParMedian[n]!)} s`)
      .join(", ");
    out.push(`${head}: target **missed**. Measured reason: ${cpuText}; side by side each check runs slower (${slowdowns}).${noise}`);
  });
  return out.join("\n");
}

function machine(): { cores: number; cpu: string; autogroup: string } {
  const cores = Number(Bun.spawnSync(["nproc"]).stdout.toString().trim());
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  // With autogroup on, `nice` ranks a process only against its own session's processes.
  const agFile = "/proc/sys/kernel/sched_autogroup_enabled";
  const autogroup = existsSync(agFile) ? readFileSync(agFile, "utf8").trim() : "n/a";
  return { cores, cpu, autogroup };
}

async function writeSection(body: string): Promise<void> {
  let text = existsSync(RESULTS_FILE) ? await readFile(RESULTS_FILE, "utf8") : "# Benchmark results\n";
  const start = text.indexOf(`${SECTION}\n`);
  const section = `${SECTION}\n\n${body.trimEnd()}\n`;
  if (start === -1) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + SECTION.length);
    text = next === -1 ? `${text.slice(0, start)}${section}` : `${text.slice(0, start)}${section}\n${text.slice(next + 1)}`;
  }
  await writeFile(RESULTS_FILE, text);
}

async function main(): Promise<void> {
  const { runs } = parseArgs(process.argv.slice(2));
  const { cores, cpu, autogroup } = machine();
  const started = performance.now();
  const results: ProjectResult[] = [];
  for (const project of [reactTs, rxjs]) results.push(await benchProject(project, runs));
  const table = render(results, runs, cores);
  const date = new Date().toISOString().slice(0, 10);
  const command = `cd orchestrator && bun ../bench/verify/run.ts${runs === 5 ? "" : ` --runs ${runs}`}`;
  const rxPkg = JSON.parse(await readFile(path.join(RXJS_FIXTURE, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  const v = rxPkg.devDependencies;
  const body = [
    `Command: \`${command}\` (${date}, UTC; took ${Math.round((performance.now() - started) / 1000)} s).`,
    `Machine: ${cores} cores (\`nproc\`), ${cpu}; kernel.sched_autogroup_enabled=${autogroup}; bun ${Bun.version}.`,
    "",
    `Method: \`planChecks\` + \`runChecks\` on a temp copy of each project, \`{ sequential: true }\` vs the default ` +
      `(independent checks at once); 1 warm-up of each mode, then ${runs} runs of each, alternating. As in the orchestrator, ` +
      "the typecheck keeps normal priority (\"not niced\") and the other checks run under `nice -n 10`, their session's " +
      "autogroup niced too. Wall time is " +
      "`VerifyRun.durationMs`; a check's time is its `durationMs`; CPU is user+sys of the reaped check processes " +
      "(`/proc/self/stat` cutime+cstime); \"other load\" is the machine's busy CPU (`/proc/stat`, steal included) less " +
      "the checks' and the bench's own, per second of wall time (before each timed run the bench waits, within a " +
      `${QUIET_WAIT_BUDGET_MS / 1000} s budget for the whole run, until other processes use under ${QUIET_CORES} cores; it waited ` +
      `${Math.round(waitBudget.waitedMs / 1000)} s this time). The target is parallel median ≤ 1.1x the slowest ` +
      "check's median alone; \"same, of mins\" divides the fastest parallel run by the slowest check's fastest " +
      "solo run, which other load disturbs less.",
    "",
    "Projects:",
    `- ${reactTs.name}: ${reactTs.describe}.`,
    `- ${rxjs.name}: ${rxjs.describe}, checked with typescript ${v.typescript} (\`tsc --noEmit\`, strict), ` +
      `eslint ${v.eslint} + typescript-eslint ${v["typescript-eslint"]} (recommended, not type-aware), ` +
      `vite ${v.vite} library build (6 entries, ES, sourcemaps). Setup: \`cd bench/verify/fixtures/rxjs && bun install --frozen-lockfile\`.`,
    "",
    table,
  ].join("\n");
  console.log(table);
  await writeSection(body);
  console.error(`\nwrote section "${SECTION}" in ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

await main();
