// The lease store in isolation, without a CLI: one hand-off between two lease stores (what two
// processes do: the waiter is not in the releasing store, so it only sees the free slot on its
// next poll), and the CPU that K processes burn while they only wait for a slot (waiter.ts).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_POLL_MS, openLeaseStore } from "../../orchestrator/src/concurrency/lease-store.ts";
import { readJsonLines } from "../lib/json-lines.ts";
import { machineBusyMs } from "../lib/machine.ts";
import { median } from "../lib/stats.ts";
import { ORCHESTRATOR_DIR } from "./cli-process.ts";
import { FAST_LIMIT } from "./modes.ts";

export interface HandoffStats {
  pollMs: number;
  samples: number[];
}

/** Store A holds the only slot; store B waits; A releases; time until B is granted. */
export async function leaseHandoff(pollMs: number, rounds: number): Promise<HandoffStats> {
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

export interface PollingStats {
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

/** The first event of a name on a waiter's stdout, seen before or after the call (60 s at most). */
function eventsOf(stdout: ReadableStream<Uint8Array>): (name: string) => Promise<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  const waiters: Array<{ name: string; resolve: (e: Record<string, unknown>) => void }> = [];
  void readJsonLines(stdout, (e) => {
    seen.push(e);
    for (const w of [...waiters]) if (w.name === e.event) w.resolve(e);
  });
  return (name) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const hit = seen.find((e) => e.event === name);
      if (hit) return resolve(hit);
      waiters.push({ name, resolve });
      setTimeout(() => reject(new Error(`waiter: no "${name}" within 60 s`)), 60_000).unref();
    });
}

/** K waiter processes queued for the fast tier while this process holds every slot; their CPU over windowMs. */
export async function pollingCost(k: number, windowMs: number, pollMs = DEFAULT_POLL_MS): Promise<PollingStats> {
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
    const lines = procs.map((p) => eventsOf(p.stdout));
    await Promise.all(lines.map((next) => next("queued")));
    const b0 = machineBusyMs();
    const w0 = performance.now();
    for (const p of procs) p.stdin.write("start\n");
    await Bun.sleep(windowMs);
    for (const p of procs) p.stdin.write("stop\n");
    const cpu = await Promise.all(lines.map((next) => next("cpu")));
    const machineCores = (machineBusyMs() - b0) / (performance.now() - w0);
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
