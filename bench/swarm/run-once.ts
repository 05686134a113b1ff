// One run of the swarm bench: N tasks in one mode against a fresh scripted model server, a
// fresh "empty" workspace and a fresh lease state dir.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MODEL_FOR_TIER } from "../../orchestrator/src/core/defaults.ts";
import { TIERS, type Tier } from "../../orchestrator/src/core/types.ts";
import { reply, startModelServer, type ModelServer } from "../../orchestrator/testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../orchestrator/testing/replies.ts";
import { createWorkspace } from "../../orchestrator/testing/workspace.ts";
import { median } from "../lib/stats.ts";
import { spawnCli } from "./cli-process.ts";
import { startLoadMeter, watchResponseEnds } from "./meters.ts";
import type { Mode } from "./modes.ts";
import { callStarts, handoffGaps, requestLatencies, startupTimes, swarmFile } from "./timings.ts";

export interface RunStats {
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

/** The content the reply for a task's file creates. */
const content = (file: string) => `${file}\n`;

/** held: a gate that opens once every process has logged slot_wait or model_call_start. */
function holdGate(mode: Mode, n: number) {
  const ready = new Set<number>();
  let openedAt = NaN;
  let open!: () => void;
  const allQueued = new Promise<void>((r) => (open = r)).then(() => void (openedAt = Date.now()));
  const onEvent = (proc: number, e: Record<string, unknown>) => {
    if (mode !== "held" || (e.event !== "slot_wait" && e.event !== "model_call_start")) return;
    ready.add(proc);
    if (ready.size === n) open();
  };
  return { allQueued, onEvent, openedAt: () => openedAt };
}

/**
 * Answers every request with the diff that creates its task's file, after `delayMs`. Returns
 * how late each delay fired: the model's delay is a timer of our own (what reply.delay() does),
 * to see how late the server's event loop fires it when the CPU is busy.
 */
function answerAfterDelay(server: ModelServer, delayMs: number, gate: Promise<void> | null): number[] {
  const timerLag: number[] = [];
  const think = async () => {
    const due = performance.now() + delayMs;
    await Bun.sleep(delayMs);
    timerLag.push(performance.now() - due);
  };
  server.onRequest((req) => {
    const file = swarmFile(req);
    const r = reply.text(file ? diffReply(unifiedDiff(file, null, content(file))) : "no task found in the prompt");
    // held: the delay starts when the gate opens, so the first round is a full `delayMs` too.
    return r.waitFor(gate ? gate.then(think) : think());
  });
  return timerLag;
}

/** The CLI's environment: this one's, without LiteLLM settings, pointed at the server. */
function swarmEnv(serverUrl: string, stateDir: string, logDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("LITELLM_")) env[k] = v;
  return Object.assign(env, {
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    LITELLM_URL: serverUrl,
    SMOL_STATE_DIR: stateDir,
    SMOL_LOG_DIR: logDir,
  });
}

export async function runOnce(mode: Mode, n: number, delayMs: number, logDir: string): Promise<RunStats> {
  const server = await startModelServer();
  const ws = await createWorkspace({ template: "empty" });
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "smol-swarm-state-"));
  try {
    const files = Array.from({ length: n }, (_, i) => `out/t${i}.txt`);
    const tasks = files.map((f) => ({ description: `swarm: create ${f}`, filesOwned: [f] }));
    const gate = holdGate(mode, n);
    const timerLag = answerAfterDelay(server, delayMs, mode === "held" ? gate.allQueued : null);
    const responseEnds = watchResponseEnds(server);
    const env = swarmEnv(server.url, stateDir, logDir);
    const inputs = mode === "batch" ? [JSON.stringify(tasks)] : tasks.map((t) => JSON.stringify(t));

    const load = startLoadMeter();
    const t0 = Date.now();
    // --no-checks: the bench measures slots and hand-offs; it has nothing to verify.
    const runs = inputs.map((stdin, i) => spawnCli(["--workspace", ws.dir, "--no-checks"], stdin, env, (e) => gate.onEvent(i, e)));
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
    const { handoffs, toStart } = handoffGaps(recv, ends, callStarts(events));
    const startups = startupTimes(results);
    const maxInFlight = Object.fromEntries(TIERS.map((t) => [t, server.maxInFlight(MODEL_FOR_TIER[t])])) as Record<Tier, number>;
    const openedAt = gate.openedAt();
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
      toServer: requestLatencies(events, server.requests),
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
