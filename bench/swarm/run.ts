// The swarm benchmark: many fast-tier tasks against one scripted model server, run either as N
// separate CLI processes started at once or as one batch process, to see whether the cross-process
// tier limit (4 fast requests in flight) holds and how close the makespan gets to the ideal.
//
//   cd orchestrator && bun ../bench/swarm/run.ts [--delay-ms 400] [--sizes 12,48] [--runs 1]
//                                                 [--batch-runs 3] [--held-sizes 12] [--no-results]
//
// Every task creates its own file `out/tN.txt` in a temp "empty" workspace (no verify scripts, so
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
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_POLL_MS, openLeaseStore } from "../../orchestrator/src/concurrency/lease-store.ts";
import { DEFAULT_LIMITS, MODEL_FOR_TIER, TIERS, type Tier } from "../../orchestrator/src/core/types.ts";
import { parseJsonLines } from "../../orchestrator/testing/logs.ts";
import { reply, startModelServer, type ModelServer } from "../../orchestrator/testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../orchestrator/testing/replies.ts";
import { createWorkspace } from "../../orchestrator/testing/workspace.ts";

const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "..", "..", "orchestrator");
const RESULTS_FILE = path.resolve(import.meta.dir, "..", "RESULTS.md");
const SECTION = "## Swarm (bench/swarm)";
const FAST_LIMIT = DEFAULT_LIMITS.concurrency.fast;
const TARGET_RATIO = 1.2;

/**
 * processes: N CLI processes started at once, model replies after the fixed delay.
 * held:      the same, but every reply is held until all N processes are queued for a slot or
 *            calling, so bun start-up is out of the makespan and only the hand-offs remain.
 * batch:     one CLI process with the N tasks as a JSON array.
 */
type Mode = "processes" | "held" | "batch";

interface Options {
  delayMs: number;
  sizes: number[];
  /** Runs of each process mode per N (a 48-process run costs ~50 s of 2 cores). */
  runs: number;
  /** Runs of the batch mode per N (cheap). */
  batchRuns: number;
  /** Sizes that also run the "held" mode. */
  heldSizes: number[];
  writeResults: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { delayMs: 400, sizes: [12, 48], runs: 1, batchRuns: 3, heldSizes: [12], writeResults: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--delay-ms") opts.delayMs = positiveInt(value(), a);
    else if (a === "--sizes") opts.sizes = value().split(",").map((s) => positiveInt(s.trim(), a));
    else if (a === "--runs") opts.runs = positiveInt(value(), a);
    else if (a === "--batch-runs") opts.batchRuns = positiveInt(value(), a);
    else if (a === "--held-sizes") opts.heldSizes = value().split(",").filter(Boolean).map((x) => positiveInt(x.trim(), a));
    else if (a === "--no-results") opts.writeResults = false;
    else throw new Error(`unknown argument ${a} (use --delay-ms MS, --sizes 12,48, --runs N, --batch-runs N, --held-sizes 12, --no-results)`);
  }
  return opts;
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got ${s}`);
  return n;
}

// ---------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------

interface RunStats {
  mode: Mode;
  n: number;
  /** Most requests in flight at the server, per tier (by the tier's model name). */
  maxInFlight: Record<Tier, number>;
  requests: number;
  /** Every process exited 0 and every task's file holds what its reply created. */
  complete: boolean;
  failures: string[];
  /** Spawn of the first process → exit of the last. */
  endToEndMs: number;
  /** First request received → last response finished (server clock). */
  serverMs: number;
  /** Spawn → first model request received. */
  firstRequestMs: number;
  /** held: spawn → the moment every process was queued and the replies were let go. */
  heldMs: number;
  /** Last response finished → last process exit. */
  tailMs: number;
  /** Spawn → orchestrator_startup event, per process (median over processes). */
  startupMedianMs: number;
  startupMaxMs: number;
  /** Slot idle time between a response finishing and the request that took its slot. */
  handoffs: number[];
  /** Response finished → model_call_start of the task that took the slot (client side). */
  toStart: number[];
  /** model_call_start → the server receiving that request (SDK + HTTP), every request. */
  toServer: number[];
  /** Tasks that logged slot_wait (had to queue for a fast slot). */
  queued: number;
  /** user+sys CPU of all CLI processes, seconds. */
  childCpuS: number;
  /** Cores kept busy by everything else on the machine during the run. */
  otherLoad: number;
  /** How late the server's delay timers fired (ms), per request. */
  timerLag: number[];
}

async function runOnce(mode: Mode, n: number, delayMs: number, logDir: string): Promise<RunStats> {
  const server = await startModelServer();
  const ws = await createWorkspace({ template: "empty" });
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "smol-swarm-state-"));
  try {
    const files = Array.from({ length: n }, (_, i) => `out/t${i}.txt`);
    const tasks = files.map((f) => ({ description: `swarm: create ${f}`, filesOwned: [f] }));
    const content = (file: string) => `${file}\n`;

    // held: opens once every process has logged slot_wait or model_call_start.
    const ready = new Set<number>();
    let openedAt = NaN;
    let open!: () => void;
    const allQueued = new Promise<void>((r) => (open = r)).then(() => void (openedAt = Date.now()));
    const onEvent = (proc: number, e: Record<string, unknown>) => {
      if (mode !== "held" || (e.event !== "slot_wait" && e.event !== "model_call_start")) return;
      ready.add(proc);
      if (ready.size === n) open();
    };

    // The model's delay as a timer of our own (what reply.delay() does), to see how late the
    // server's event loop fires it when the CPU is busy.
    const timerLag: number[] = [];
    const think = async () => {
      const due = performance.now() + delayMs;
      await Bun.sleep(delayMs);
      timerLag.push(performance.now() - due);
    };
    server.onRequest((req) => {
      const file = /swarm: create (out\/t\d+\.txt)/.exec(req.messages.map((m) => m.content).join("\n"))?.[1];
      const r = reply.text(file ? diffReply(unifiedDiff(file, null, content(file))) : "no task found in the prompt");
      // held: the delay starts when the gate opens, so the first round is a full `delayMs` too.
      return r.waitFor(mode === "held" ? allQueued.then(think) : think());
    });
    const responseEnds = watchResponseEnds(server);

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("LITELLM_")) env[k] = v;
    Object.assign(env, {
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      LITELLM_URL: server.url,
      SMOL_STATE_DIR: stateDir,
      SMOL_LOG_DIR: logDir,
    });
    const inputs = mode === "batch" ? [JSON.stringify(tasks)] : tasks.map((t) => JSON.stringify(t));

    const load = startLoadMeter();
    const t0 = Date.now();
    const runs = inputs.map((stdin, i) => spawnCli(["--workspace", ws.dir], stdin, env, (e) => onEvent(i, e)));
    const results = await Promise.all(runs);
    const lastExit = Math.max(...results.map((r) => r.exitedAt));
    const childCpuS = results.reduce((sum, r) => sum + r.cpuS, 0);
    const otherLoad = load.otherCores(childCpuS);

    const failures: string[] = [];
    for (const [i, r] of results.entries()) {
      if (r.exitCode !== 0) failures.push(`process ${i} exited ${r.exitCode}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    for (const f of files) {
      const got = await ws.read(f);
      if (got !== content(f)) failures.push(`${f}: ${got === null ? "missing" : "wrong content"}`);
    }
    const recv = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    const ends = responseEnds.times().sort((a, b) => a - b);
    if (recv.length !== n) failures.push(`${recv.length} model requests for ${n} tasks`);
    if (ends.length !== recv.length) failures.push(`${ends.length} responses finished for ${recv.length} requests`);

    const events = results.flatMap((r) => r.events);
    const starts = events
      .filter((e) => e.event === "model_call_start" && typeof e.time === "number")
      .map((e) => e.time as number)
      .sort((a, b) => a - b);
    // The k-th request after the first `limit` took the slot freed by the (k - limit)-th response;
    // its model_call_start (logged once the slot is held) splits the gap in two.
    const handoffs: number[] = [];
    const toStart: number[] = [];
    for (let k = FAST_LIMIT; k < recv.length; k++) {
      const freed = ends[k - FAST_LIMIT];
      if (freed === undefined) continue;
      handoffs.push(recv[k]! - freed);
      if (starts[k] !== undefined) toStart.push(starts[k]! - freed);
    }
    // Every request: its task's model_call_start → the server receiving it.
    const fileOfTask = new Map<unknown, string>();
    for (const e of events) if (e.event === "task_created") fileOfTask.set(e.taskId, (e.files as string[])[0]!);
    const startOfFile = new Map<string, number>();
    for (const e of events) {
      const f = fileOfTask.get(e.taskId);
      if (e.event === "model_call_start" && f && typeof e.time === "number") startOfFile.set(f, e.time);
    }
    const toServer: number[] = [];
    for (const req of server.requests) {
      const f = /swarm: create (out\/t\d+\.txt)/.exec(req.messages.map((m) => m.content).join("\n"))?.[1];
      const t = f === undefined ? undefined : startOfFile.get(f);
      if (t !== undefined) toServer.push(req.receivedAt - t);
    }
    const startups = results.map((r) => {
      const e = r.events.find((x) => x.event === "orchestrator_startup");
      return typeof e?.time === "number" ? e.time - r.spawnedAt : NaN;
    });
    const maxInFlight = Object.fromEntries(TIERS.map((t) => [t, server.maxInFlight(MODEL_FOR_TIER[t])])) as Record<Tier, number>;
    const from = mode === "held" ? openedAt : (recv[0] ?? NaN);

    return {
      mode,
      n,
      maxInFlight,
      requests: recv.length,
      complete: failures.length === 0,
      failures,
      endToEndMs: lastExit - t0,
      serverMs: (ends.at(-1) ?? NaN) - from,
      firstRequestMs: (recv[0] ?? NaN) - t0,
      heldMs: openedAt - t0,
      tailMs: lastExit - (ends.at(-1) ?? NaN),
      startupMedianMs: median(startups),
      startupMaxMs: Math.max(...startups),
      handoffs,
      toStart,
      toServer,
      queued: new Set(events.filter((e) => e.event === "slot_wait").map((e) => e.taskId)).size,
      childCpuS,
      otherLoad,
      timerLag,
    };
  } finally {
    await server.stop();
    await ws[Symbol.asyncDispose]();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/**
 * Busy cores from /proc/stat (steal included) over a run, less this process's CPU and the CLI
 * processes' CPU, per second of wall time: what everything else on the machine used meanwhile.
 */
function startLoadMeter(): { otherCores(childCpuS: number): number } {
  const busy = procStatBusy;
  const b0 = busy();
  const own0 = process.cpuUsage();
  const w0 = performance.now();
  return {
    otherCores(childCpuS) {
      const own = process.cpuUsage(own0);
      const ownS = (own.user + own.system) / 1e6;
      const wallS = (performance.now() - w0) / 1000;
      return Math.max(0, (busy() - b0 - ownS - childCpuS) / wallS);
    },
  };
}

/**
 * Times when the server finished a response: the server calls its waiters' predicates whenever a
 * request arrives or finishes, so a drop in the in-flight count is a finished response.
 */
function watchResponseEnds(server: ModelServer): { times(): number[] } {
  const times: number[] = [];
  let last = 0;
  server
    .waitFor(
      () => {
        const now = server.inFlight();
        for (let i = now; i < last; i++) times.push(Date.now());
        last = now;
        return false;
      },
      { timeoutMs: 600_000, what: "the end of the run" },
    )
    .catch(() => {}); // rejects when the server stops: that is the end of the watch
  return { times: () => [...times] };
}

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown>>;
  spawnedAt: number;
  exitedAt: number;
  cpuS: number;
}

/** `bun run src/index.ts ARGS` with `stdin`; `onEvent` sees each JSON event line as it arrives. */
async function spawnCli(
  args: string[],
  stdin: string,
  env: Record<string, string>,
  onEvent: (e: Record<string, unknown>) => void = () => {},
): Promise<CliResult> {
  const spawnedAt = Date.now();
  let exitedAt = NaN;
  const proc = Bun.spawn([process.execPath, "run", "src/index.ts", ...args], {
    cwd: ORCHESTRATOR_DIR,
    env,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  proc.stdin.write(stdin);
  proc.stdin.end();
  const events: Array<Record<string, unknown>> = [];
  const readStdout = async () => {
    const decoder = new TextDecoder();
    let all = "";
    let pending = "";
    for await (const chunk of proc.stdout) {
      const text = decoder.decode(chunk, { stream: true });
      all += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const e of parseJsonLines(lines.join("\n"))) {
        events.push(e);
        onEvent(e);
      }
    }
    for (const e of parseJsonLines(pending)) {
      events.push(e);
      onEvent(e);
    }
    return all;
  };
  const [stdout, stderr, exitCode] = await Promise.all([
    readStdout(),
    new Response(proc.stderr).text(),
    proc.exited.then((code) => {
      exitedAt = Date.now();
      return code;
    }),
  ]);
  const usage = proc.resourceUsage();
  const cpuS = usage ? Number(usage.cpuTime.total) / 1e6 : NaN;
  return { exitCode, stdout, stderr, events, spawnedAt, exitedAt, cpuS };
}

// ---------------------------------------------------------------------------------------
// Lease hand-off between two stores (the cross-process path), isolated
// ---------------------------------------------------------------------------------------

interface HandoffStats {
  pollMs: number;
  samples: number[];
}

/** Store A holds the only slot; store B waits; A releases; time until B is granted. */
async function leaseHandoff(pollMs: number, rounds: number): Promise<HandoffStats> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "smol-swarm-lease-"));
  const a = openLeaseStore({ stateDir, scope: "bench", pollMs });
  const b = openLeaseStore({ stateDir, scope: "bench", pollMs });
  const samples: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const held = await a.acquire("tier:fast", 1);
      let queued!: () => void;
      const isQueued = new Promise<void>((r) => (queued = r));
      const granted = b.acquire("tier:fast", 1, { onQueued: () => queued() });
      await isQueued;
      // Release at a random phase of B's poll cycle, as a real response would.
      await Bun.sleep(Math.random() * pollMs);
      const released = performance.now();
      held.release();
      const lease = await granted;
      samples.push(performance.now() - released);
      lease.release();
    }
  } finally {
    a.close();
    b.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return { pollMs, samples };
}

// ---------------------------------------------------------------------------------------
// What waiting costs: K processes queued for a full tier, doing nothing else
// ---------------------------------------------------------------------------------------

interface PollingStats {
  waiters: number;
  pollMs: number;
  windowMs: number;
  /** CPU per waiter, ms per second of wall time (median over the waiters). */
  perWaiterMsPerS: number;
  /** All waiters together, in cores. */
  totalCores: number;
  /** The whole machine's busy cores during the window. */
  machineCores: number;
}

const WAITER = path.join(import.meta.dir, "waiter.ts");

async function pollingCost(k: number, windowMs: number, pollMs = DEFAULT_POLL_MS): Promise<PollingStats> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "smol-swarm-wait-"));
  const scope = "bench-waiters";
  const holder = openLeaseStore({ stateDir, scope });
  const held = await Promise.all(Array.from({ length: FAST_LIMIT }, () => holder.acquire("tier:fast", FAST_LIMIT)));
  const procs = Array.from({ length: k }, () =>
    Bun.spawn([process.execPath, WAITER, stateDir, scope, "tier:fast", String(FAST_LIMIT), String(pollMs)], {
      cwd: ORCHESTRATOR_DIR,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    }),
  );
  try {
    const lines = procs.map((p) => {
      const seen: Array<Record<string, unknown>> = [];
      const waiters: Array<{ name: string; resolve: (e: Record<string, unknown>) => void }> = [];
      void (async () => {
        const decoder = new TextDecoder();
        let buf = "";
        for await (const chunk of p.stdout) {
          buf += decoder.decode(chunk, { stream: true });
          const parts = buf.split("\n");
          buf = parts.pop()!;
          for (const e of parseJsonLines(parts.join("\n"))) {
            seen.push(e);
            for (const w of [...waiters]) if (w.name === e.event) w.resolve(e);
          }
        }
      })();
      return (name: string) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const hit = seen.find((e) => e.event === name);
          if (hit) return resolve(hit);
          waiters.push({ name, resolve });
          setTimeout(() => reject(new Error(`waiter: no "${name}" within 60 s`)), 60_000).unref();
        });
    });
    await Promise.all(lines.map((next) => next("queued")));
    const b0 = procStatBusy();
    const w0 = performance.now();
    for (const p of procs) p.stdin.write("start\n");
    await Bun.sleep(windowMs);
    for (const p of procs) p.stdin.write("stop\n");
    const cpu = await Promise.all(lines.map((next) => next("cpu")));
    const machineCores = (procStatBusy() - b0) / ((performance.now() - w0) / 1000);
    const perS = cpu.map((e) => (e.cpuMs as number) / ((e.wallMs as number) / 1000));
    return {
      waiters: k,
      pollMs,
      windowMs,
      perWaiterMsPerS: median(perS),
      totalCores: perS.reduce((a, b) => a + b, 0) / 1000,
      machineCores,
    };
  } finally {
    for (const p of procs) {
      p.stdin.end();
      p.kill();
    }
    await Promise.all(procs.map((p) => p.exited));
    for (const l of held) l.release();
    holder.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Busy CPU-seconds of the whole machine so far (/proc/stat, steal included). */
function procStatBusy(): number {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) / 100;
  } catch {
    return NaN;
  }
}

function pollingRows(stats: PollingStats[]): string {
  const rows = [
    `| processes waiting | poll interval | CPU per waiter | all waiters together | machine busy (of ${os.availableParallelism()} cores) |`,
    "| --- | --- | --- | --- | --- |",
  ];
  for (const s of stats) {
    const d = s.pollMs === DEFAULT_POLL_MS ? " (default)" : "";
    rows.push(`| ${s.waiters} | ${s.pollMs} ms${d} | ${ms(s.perWaiterMsPerS)} per s | ${s.totalCores.toFixed(2)} cores | ${s.machineCores.toFixed(2)} cores |`);
  }
  return rows.join("\n");
}

// ---------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function quantile(xs: number[], q: number): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "–");
const maxOf = (xs: number[]) => (xs.length === 0 ? NaN : Math.max(...xs));
const ratio = (x: number) => `${x.toFixed(2)}x`;
const verdict = (r: number) => (r <= TARGET_RATIO ? "met" : "**missed**");

/** "median (min–max)" over runs. */
function spread(xs: number[], fmt: (x: number) => string): string {
  return xs.length === 1 ? fmt(xs[0]!) : `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

interface Group {
  n: number;
  mode: Mode;
  runs: RunStats[];
}

const MODE_LABEL: Record<Mode, (n: number) => string> = {
  processes: (n) => `${n} processes`,
  held: (n) => `${n} processes, replies held until all queued`,
  batch: () => "1 batch process",
};

function groupRows(groups: Group[], delayMs: number): { main: string; detail: string } {
  const main = [
    `| N | mode | fast max in flight (limit ${FAST_LIMIT}) | deep / reviewer max | all complete | ideal | server makespan | server / ideal | end-to-end makespan | end-to-end / ideal |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const detail = [
    "| N | mode | spawn → first request | process start-up (median / max) | tasks that queued | hand-off gap (median / p90 / max) | … response end → next model_call_start (median / p90) | model_call_start → server, every request (median / max) | server timer lag (median / max) | last response → last exit | CLI CPU (user+sys) | other load |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const g of groups) {
    const ideal = Math.ceil(g.n / FAST_LIMIT) * delayMs;
    const serverRatios = g.runs.map((r) => r.serverMs / ideal);
    const e2eRatios = g.runs.map((r) => r.endToEndMs / ideal);
    const fastMax = Math.max(...g.runs.map((r) => r.maxInFlight.fast));
    const otherMax = `${Math.max(...g.runs.map((r) => r.maxInFlight.deep))} / ${Math.max(...g.runs.map((r) => r.maxInFlight.reviewer))}`;
    const ok = g.runs.every((r) => r.complete);
    const label = MODE_LABEL[g.mode](g.n);
    const e2eVerdict = g.mode === "held" ? "(includes the hold)" : verdict(median(e2eRatios));
    main.push(
      `| ${g.n} | ${label} | ${fastMax}${fastMax > FAST_LIMIT ? " **over the limit**" : ""} | ${otherMax} | ${ok ? `yes (${g.runs.length}/${g.runs.length} runs)` : "**no**"} | ${sec(ideal)} | ${spread(g.runs.map((r) => r.serverMs), sec)} | ${spread(serverRatios, ratio)} ${verdict(median(serverRatios))} | ${spread(g.runs.map((r) => r.endToEndMs), sec)} | ${spread(e2eRatios, ratio)} ${e2eVerdict} |`,
    );
    const gaps = g.runs.flatMap((r) => r.handoffs);
    const toStart = g.runs.flatMap((r) => r.toStart);
    const toServer = g.runs.flatMap((r) => r.toServer);
    const lag = g.runs.flatMap((r) => r.timerLag);
    const first = g.mode === "held" ? `${spread(g.runs.map((r) => r.heldMs), ms)} (all queued)` : spread(g.runs.map((r) => r.firstRequestMs), ms);
    detail.push(
      `| ${g.n} | ${label} | ${first} | ${ms(median(g.runs.map((r) => r.startupMedianMs)))} / ${ms(maxOf(g.runs.map((r) => r.startupMaxMs)))} | ${median(g.runs.map((r) => r.queued))} of ${g.n} | ${ms(median(gaps))} / ${ms(quantile(gaps, 0.9))} / ${ms(maxOf(gaps))} | ${ms(median(toStart))} / ${ms(quantile(toStart, 0.9))} | ${ms(median(toServer))} / ${ms(maxOf(toServer))} | ${ms(median(lag))} / ${ms(maxOf(lag))} | ${spread(g.runs.map((r) => r.tailMs), ms)} | ${spread(g.runs.map((r) => r.childCpuS), (x) => `${x.toFixed(1)} s`)} | ${spread(g.runs.map((r) => r.otherLoad), (x) => `${x.toFixed(2)} cores`)} |`,
    );
  }
  return { main: main.join("\n"), detail: detail.join("\n") };
}

function leaseRows(stats: HandoffStats[]): string {
  const rows = [
    "| poll interval | hand-offs | median | mean | p90 | max |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of stats) {
    const d = s.pollMs === DEFAULT_POLL_MS ? ` (default)` : "";
    rows.push(
      `| ${s.pollMs} ms${d} | ${s.samples.length} | ${ms(median(s.samples))} | ${ms(mean(s.samples))} | ${ms(quantile(s.samples, 0.9))} | ${ms(maxOf(s.samples))} |`,
    );
  }
  return rows.join("\n");
}

async function machineInfo(): Promise<string> {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  return `${os.availableParallelism()} cores (\`nproc\`), ${model}; bun ${Bun.version}`;
}

const BEGIN = "<!-- bench/swarm/run.ts output: begin -->";
const END = "<!-- bench/swarm/run.ts output: end -->";

/**
 * Puts `body` into this bench's section of RESULTS.md between the BEGIN/END markers, keeping any
 * text written around them by hand; creates the section (at the end) if it is missing.
 */
async function writeSection(body: string): Promise<void> {
  const text = await readFile(RESULTS_FILE, "utf8").catch(() => "# Benchmark results\n");
  const block = `${BEGIN}\n${body.trim()}\n${END}`;
  const start = text.indexOf(`${SECTION}\n`);
  let out: string;
  if (start < 0) {
    out = `${text.trimEnd()}\n\n${SECTION}\n\n${block}\n`;
  } else {
    const next = text.indexOf("\n## ", start + SECTION.length);
    const end = next < 0 ? text.length : next + 1;
    const section = text.slice(start, end);
    const b = section.indexOf(BEGIN);
    const e = section.indexOf(END);
    const updated =
      b >= 0 && e > b
        ? `${section.slice(0, b)}${block}${section.slice(e + END.length)}`
        : `${SECTION}\n\n${block}\n${section.slice(SECTION.length + 1).trim() ? `\n${section.slice(SECTION.length + 1).trim()}\n` : ""}`;
    out = `${text.slice(0, start)}${updated.trimEnd()}\n${next < 0 ? "" : `\n${text.slice(end)}`}`;
  }
  await writeFile(RESULTS_FILE, out);
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(Bun.argv.slice(2));
  const startedAt = Date.now();
  const logDir = await mkdtemp(path.join(os.tmpdir(), "smol-swarm-logs-"));
  try {
    // Warm-up: bun's transpiler cache and the page cache, so run 1 is not the cold one.
    const env = { ...process.env, NODE_ENV: "production" } as Record<string, string>;
    await spawnCli(["--version"], "", env);
    await runOnce("batch", 2, 10, logDir);
    // The floor of a CLI process: `--version` loads every module index.ts imports, then exits.
    const version = { wall: [] as number[], cpu: [] as number[] };
    for (let i = 0; i < 5; i++) {
      const r = await spawnCli(["--version"], "", env);
      version.wall.push(r.exitedAt - r.spawnedAt);
      version.cpu.push(r.cpuS * 1000);
    }

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
          const ideal = Math.ceil(n / FAST_LIMIT) * opts.delayMs;
          console.error(
            `N=${n} ${g.mode} run ${r + 1}: fast max ${s.maxInFlight.fast}, server ${sec(s.serverMs)} (${ratio(s.serverMs / ideal)}), end-to-end ${sec(s.endToEndMs)} (${ratio(s.endToEndMs / ideal)}), hand-off median ${ms(median(s.handoffs))}, CLI CPU ${s.childCpuS.toFixed(1)} s, other load ${s.otherLoad.toFixed(2)}${s.complete ? "" : `, FAILED: ${s.failures.slice(0, 3).join("; ")}`}`,
          );
        }
      }
    }

    const lease: HandoffStats[] = [];
    for (const pollMs of [DEFAULT_POLL_MS, 10, 2]) lease.push(await leaseHandoff(pollMs, 40));
    const polling: PollingStats[] = [];
    // 500 ms: the same waiter polling 10x less often, to show the CPU is the polling's.
    for (const [k, pollMs] of [[1, DEFAULT_POLL_MS], [1, 500], [8, DEFAULT_POLL_MS], [44, DEFAULT_POLL_MS]] as const) {
      polling.push(await pollingCost(k, 2000, pollMs));
    }

    const { main: mainTable, detail } = groupRows(groups, opts.delayMs);
    const leaseTable = leaseRows(lease);
    const tookS = Math.round((Date.now() - startedAt) / 1000);
    const args = [
      opts.delayMs !== 400 ? `--delay-ms ${opts.delayMs}` : "",
      opts.sizes.join(",") !== "12,48" ? `--sizes ${opts.sizes.join(",")}` : "",
      opts.runs !== 1 ? `--runs ${opts.runs}` : "",
      opts.batchRuns !== 3 ? `--batch-runs ${opts.batchRuns}` : "",
      opts.heldSizes.join(",") !== "12" ? `--held-sizes ${opts.heldSizes.join(",")}` : "",
    ].filter(Boolean);
    const command = `cd orchestrator && bun ../bench/swarm/run.ts${args.length ? ` ${args.join(" ")}` : ""}`;
    const date = new Date().toISOString().slice(0, 10);

    const report = [
      `Command: \`${command}\` (${date}, UTC; took ${tookS} s).`,
      `Machine: ${await machineInfo()}.`,
      "",
      `Method: the scripted model server (orchestrator/testing/model-server.ts) runs in the bench's own process and answers every request after ${opts.delayMs} ms with a diff that creates the task's own file \`out/tN.txt\` in a temp "empty" workspace with no verify scripts (verification is a no-op). All tasks are fast tier (short description, 1 file). Modes: **N processes**: N CLI processes spawned at once (\`bun run src/index.ts --workspace WS\`, one task on stdin each); **held**: the same, but every reply is held until all N processes have logged slot_wait or model_call_start, and the server makespan counts from that moment, so bun start-up is out of it and what is left is the hand-offs between processes; **batch**: one CLI process with the N tasks as a JSON array. Env: LITELLM_URL=the server, SMOL_STATE_DIR=a fresh temp dir per run, SMOL_LOG_DIR=a temp dir, NODE_ENV=production. Runs: ${opts.runs} of each process mode, ${opts.batchRuns} of batch, per N; cells with several runs are median (min–max); "max in flight" is the maximum over all runs. Ideal = ceil(N / ${FAST_LIMIT}) × ${opts.delayMs} ms. Server makespan: first request received → last response finished (held: replies let go → last response); end-to-end: first spawn → last exit. Target: ratio ≤ ${TARGET_RATIO}x.`,
      "",
      `A CLI process that does nothing (\`--version\`, which still loads every module index.ts imports), alone, 5 runs: median ${ms(median(version.wall))} wall, ${ms(median(version.cpu))} CPU (user+sys).`,
      "",
      mainTable,
      "",
      `Where the time goes (hand-off gap: a response finishing → the request that took its slot arriving at the server; pooled over the runs):`,
      "",
      detail,
      "",
      `Lease hand-off between two lease stores in one process (store A releases the only slot at a random point of store B's poll cycle; B is not A's local waiter, so it sees the slot on its next poll, as another process would). Time from release() to B's grant:`,
      "",
      leaseTable,
      "",
      `What waiting costs: K processes (bench/swarm/waiter.ts: the lease store alone, no CLI) queued for the fast tier while the bench holds all ${FAST_LIMIT} slots, CPU measured over 2 s:`,
      "",
      pollingRows(polling),
    ].join("\n");

    console.log(report);
    if (opts.writeResults) {
      await writeSection(report);
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
