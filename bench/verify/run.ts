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
import { readFile } from "node:fs/promises";
import path from "node:path";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceSection, RESULTS_FILE, updateResults } from "../lib/results-md.ts";
import { benchProject, type ProjectResult } from "./measure.ts";
import { reactTs, rxjs, RXJS_FIXTURE } from "./projects.ts";
import { createQuietWaiter, QUIET_CORES, QUIET_WAIT_BUDGET_MS } from "./quiet.ts";
import { render, TARGET_RATIO } from "./report.ts";

const SECTION = "## Verification wall time (bench/verify)";
const DEFAULT_RUNS = 5;

function parseArgs(argv: string[]): { runs: number } {
  let runs = DEFAULT_RUNS;
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

/** With autogroup on, `nice` ranks a process only against its own session's processes. */
function autogroup(): string {
  const agFile = "/proc/sys/kernel/sched_autogroup_enabled";
  return existsSync(agFile) ? readFileSync(agFile, "utf8").trim() : "n/a";
}

async function main(): Promise<void> {
  const { runs } = parseArgs(process.argv.slice(2));
  const cores = coreCount();
  const quiet = createQuietWaiter();
  const started = performance.now();
  const results: ProjectResult[] = [];
  for (const project of [reactTs, rxjs]) results.push(await benchProject(project, runs, quiet));
  const table = render(results, runs, cores);
  const date = new Date().toISOString().slice(0, 10);
  const command = `cd orchestrator && bun ../bench/verify/run.ts${runs === DEFAULT_RUNS ? "" : ` --runs ${runs}`}`;
  const rxPkg = JSON.parse(await readFile(path.join(RXJS_FIXTURE, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  const v = rxPkg.devDependencies;
  const body = [
    `Command: \`${command}\` (${date}, UTC; took ${Math.round((performance.now() - started) / 1000)} s).`,
    `Machine: ${cores} cores (\`nproc\`), ${cpuModel()}; kernel.sched_autogroup_enabled=${autogroup()}; bun ${Bun.version}.`,
    "",
    `Method: \`planChecks\` + \`runChecks\` on a temp copy of each project, \`{ sequential: true }\` vs the default ` +
      `(independent checks at once); 1 warm-up of each mode, then ${runs} runs of each, alternating. As in the orchestrator, ` +
      "the typecheck keeps normal priority (\"not niced\") and the other checks run under `nice -n 10`, their session's " +
      "autogroup niced too. Wall time is " +
      "`VerifyRun.durationMs`; a check's time is its `durationMs`; CPU is user+sys of the reaped check processes " +
      "(`/proc/self/stat` cutime+cstime); \"other load\" is the machine's busy CPU (`/proc/stat`, steal included) less " +
      "the checks' and the bench's own, per second of wall time (before each timed run the bench waits, within a " +
      `${QUIET_WAIT_BUDGET_MS / 1000} s budget for the whole run, until other processes use under ${QUIET_CORES} cores; it waited ` +
      `${Math.round(quiet.waitedMs() / 1000)} s this time). The target is parallel median ≤ ${TARGET_RATIO}x the slowest ` +
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
  await updateResults((text) => replaceSection(text, SECTION, body));
  console.error(`\nwrote section "${SECTION}" in ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

await main();
