// The swarm benchmark: many fast-tier tasks against one scripted model server, run either as N
// separate CLI processes started at once or as one batch process, to see whether the cross-process
// tier limit (4 fast requests in flight) holds and how close the makespan gets to the ideal.
//
//   cd orchestrator && bun ../bench/swarm/run.ts [--delay-ms 400] [--sizes 12,48] [--runs 1]
//                                                 [--batch-runs 3] [--held-sizes 12] [--no-results]
//
// Every task creates its own file `out/tN.txt` in a temp "empty" workspace (run with --no-checks, so
// verification is a no-op); the model server answers every request with that file's diff after a
// fixed delay. The ideal makespan is ceil(N / 4) × delay: the fast tier kept full all the time.
//
// Modes per N: N processes spawned at once; "held" (the same, but replies wait until every process
// is queued, so start-up is out of the makespan: only the hand-offs between processes remain); one
// batch process. Two makespans are reported:
//   server      first model request received → last model response finished, as the server saw them
//   end-to-end  all processes spawned → the last one exited (includes bun start-up and exit)
//
// Two isolated measurements of the lease store follow: one hand-off between two lease stores (what
// two processes do: the waiter is not in the releasing store, so it only sees the free slot on its
// next poll) at the default poll interval and shorter ones; and the CPU that K processes burn
// while they only wait for a slot (waiter.ts).
//
// The output goes to stdout and, between markers, into "## Swarm (bench/swarm)" of RESULTS.md
// (text written by hand around the markers is kept).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_POLL_MS } from "../../orchestrator/src/concurrency/lease-store.ts";
import { millis as ms } from "../lib/format.ts";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceMarkedBlock, RESULTS_FILE, updateResults } from "../lib/results-md.ts";
import { median } from "../lib/stats.ts";
import { spawnCli } from "./cli-process.ts";
import { leaseHandoff, pollingCost, type HandoffStats, type PollingStats } from "./lease-costs.ts";
import { FAST_LIMIT, idealMs, TARGET_RATIO, type Mode } from "./modes.ts";
import { commandLine, parseArgs, type Options } from "./options.ts";
import { runOnce } from "./run-once.ts";
import { groupRows, leaseRows, pollingRows, ratio, sec, type Group } from "./tables.ts";

const SECTION = "## Swarm (bench/swarm)";
const MARKERS = { begin: "<!-- bench/swarm/run.ts output: begin -->", end: "<!-- bench/swarm/run.ts output: end -->" };

/** The floor of a CLI process: `--version` parses the flags and exits, loading no library. */
async function versionCost(env: Record<string, string>): Promise<{ wall: number[]; cpu: number[] }> {
  const version = { wall: [] as number[], cpu: [] as number[] };
  for (let i = 0; i < 5; i++) {
    const r = await spawnCli(["--version"], "", env);
    version.wall.push(r.exitedAt - r.spawnedAt);
    version.cpu.push(r.cpuS * 1000);
  }
  return version;
}

/** Every N in every mode, the runs of each mode interleaved so that a slow spell hits them all. */
async function runGroups(opts: Options, logDir: string): Promise<Group[]> {
  const groups: Group[] = [];
  for (const n of opts.sizes) {
    const modes: Mode[] = opts.heldSizes.includes(n) ? ["processes", "held", "batch"] : ["processes", "batch"];
    const mine = modes.map((mode): Group => ({ n, mode, runs: [] }));
    groups.push(...mine);
    for (let r = 0; r < Math.max(opts.runs, opts.batchRuns); r++) {
      for (const g of mine) {
        if (r >= (g.mode === "batch" ? opts.batchRuns : opts.runs)) continue;
        const s = await runOnce(g.mode, n, opts.delayMs, logDir);
        g.runs.push(s);
        const ideal = idealMs(n, opts.delayMs);
        console.error(
          `N=${n} ${g.mode} run ${r + 1}: fast max ${s.maxInFlight.fast}, server ${sec(s.serverMs)} (${ratio(s.serverMs / ideal)}), end-to-end ${sec(s.endToEndMs)} (${ratio(s.endToEndMs / ideal)}), hand-off median ${ms(median(s.handoffs))}, CLI CPU ${s.childCpuS.toFixed(1)} s, other load ${s.otherLoad.toFixed(2)}${s.complete ? "" : `, FAILED: ${s.failures.slice(0, 3).join("; ")}`}`,
        );
      }
    }
  }
  return groups;
}

interface Measured {
  opts: Options;
  tookS: number;
  version: { wall: number[]; cpu: number[] };
  groups: Group[];
  lease: HandoffStats[];
  polling: PollingStats[];
}

function renderReport({ opts, tookS, version, groups, lease, polling }: Measured): string {
  const { main: mainTable, detail } = groupRows(groups, opts.delayMs);
  const date = new Date().toISOString().slice(0, 10);
  return [
    `Command: \`${commandLine(opts)}\` (${date}, UTC; took ${tookS} s).`,
    `Machine: ${coreCount()} cores (\`nproc\`), ${cpuModel()}; bun ${Bun.version}.`,
    "",
    `Method: the scripted model server (orchestrator/testing/model-server.ts) runs in the bench's own process and answers every request after ${opts.delayMs} ms with a diff that creates the task's own file \`out/tN.txt\` in a temp "empty" workspace run with \`--no-checks\` (no verification). All tasks are fast tier (short description, 1 file). Modes: **N processes**: N CLI processes spawned at once (\`bun run src/index.ts --workspace WS\`, one task on stdin each); **held**: the same, but every reply is held until all N processes have logged slot_wait or model_call_start, and the server makespan counts from that moment, so bun start-up is out of it and what is left is the hand-offs between processes; **batch**: one CLI process with the N tasks as a JSON array. Env: LITELLM_URL=the server, SMOL_STATE_DIR=a fresh temp dir per run, SMOL_LOG_DIR=a temp dir, NODE_ENV=production. Runs: ${opts.runs} of each process mode, ${opts.batchRuns} of batch, per N; cells with several runs are median (min–max); "max in flight" is the maximum over all runs. Ideal = ceil(N / ${FAST_LIMIT}) × ${opts.delayMs} ms. Server makespan: first request received → last response finished (held: replies let go → last response); end-to-end: first spawn → last exit. Target: ratio ≤ ${TARGET_RATIO}x.`,
    "",
    `A CLI process that does nothing (\`--version\`, which parses the flags and loads no library), alone, 5 runs: median ${ms(median(version.wall))} wall, ${ms(median(version.cpu))} CPU (user+sys).`,
    "",
    mainTable,
    "",
    `Where the time goes (hand-off gap: a response finishing → the request that took its slot arriving at the server; pooled over the runs):`,
    "",
    detail,
    "",
    `Lease hand-off between two lease stores in one process (store A releases the only slot at a random point of store B's poll cycle; B is not A's local waiter, so it sees the slot on its next poll, as another process would). Time from release() to B's grant:`,
    "",
    leaseRows(lease),
    "",
    `What waiting costs: K processes (bench/swarm/waiter.ts: the lease store alone, no CLI) queued for the fast tier while the bench holds all ${FAST_LIMIT} slots, CPU measured over 2 s:`,
    "",
    pollingRows(polling),
  ].join("\n");
}

async function main(): Promise<void> {
  const opts = parseArgs(Bun.argv.slice(2));
  const startedAt = Date.now();
  const logDir = await mkdtemp(path.join(os.tmpdir(), "smol-swarm-logs-"));
  try {
    // Warm-up: bun's transpiler cache and the page cache, so run 1 is not the cold one.
    const env = { ...process.env, NODE_ENV: "production" } as Record<string, string>;
    await spawnCli(["--version"], "", env);
    await runOnce("batch", 2, 10, logDir);
    const version = await versionCost(env);
    const groups = await runGroups(opts, logDir);

    const lease: HandoffStats[] = [];
    for (const pollMs of [DEFAULT_POLL_MS, 10, 2]) lease.push(await leaseHandoff(pollMs, 40));
    const polling: PollingStats[] = [];
    // 500 ms: the same waiter polling 10x less often, to show the CPU is the polling's.
    for (const [k, pollMs] of [[1, DEFAULT_POLL_MS], [1, 500], [8, DEFAULT_POLL_MS], [44, DEFAULT_POLL_MS]] as const) {
      polling.push(await pollingCost(k, 2000, pollMs));
    }

    const report = renderReport({ opts, tookS: Math.round((Date.now() - startedAt) / 1000), version, groups, lease, polling });
    console.log(report);
    if (opts.writeResults) {
      await updateResults((text) => replaceMarkedBlock(text, SECTION, MARKERS, report));
      console.error(`wrote ${path.relative(process.cwd(), RESULTS_FILE)} (${SECTION})`);
    }
    const bad = groups.flatMap((g) => g.runs).filter((r) => !r.complete || r.maxInFlight.fast > FAST_LIMIT);
    if (bad.length > 0) {
      for (const r of bad) console.error(`N=${r.n} ${r.mode}: ${r.failures.join("; ") || `fast max in flight ${r.maxInFlight.fast}`}`);
      process.exitCode = 1;
    }
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}

await main();
