// Support for the lease store tests: temp state folders, a look into the db, and worker
// processes (testing/lease-worker.ts) that print a JSON line when they are queued or hold a slot.
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { leaseDbPath } from "../src/concurrency/lease-file.ts";
import type { LeaseStore } from "../src/concurrency/types.ts";

const ROOT = join(import.meta.dir, "..");
const WORKER = join(import.meta.dir, "lease-worker.ts");
export const SCOPE = "http://localhost:4000/v1";

const tempDirs: string[] = [];
export function tempStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "smol-leases-"));
  tempDirs.push(dir);
  return join(dir, "state"); // not created yet: openLeaseStore must create it
}
/** Call from the test file's afterAll. */
export function removeStateDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Rows in the waiters table for a scope+key, read straight from the db. */
export function waiterRows(stateDir: string, key: string, scope = SCOPE): number {
  const db = new Database(leaseDbPath(stateDir));
  try {
    return db
      .query<{ n: number }, [string, string]>("SELECT COUNT(*) AS n FROM waiters WHERE scope = ? AND key = ?")
      .get(scope, key)!.n;
  } finally {
    db.close();
  }
}

export function withStores<T>(stores: LeaseStore[], fn: () => Promise<T>): Promise<T> {
  return fn().finally(() => {
    for (const s of stores) s.close();
  });
}

// ---------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------

export interface WorkerEvent {
  worker: number;
  event: "ready" | "queued" | "held" | "releasing";
  pid: number;
  t?: number;
  position?: number;
  holders?: number;
  waitedMs?: number;
}

/** Collects every worker's lines; `until` resolves when a predicate over them holds. */
export class Hub {
  readonly events: WorkerEvent[] = [];
  onEvent: ((e: WorkerEvent) => void) | null = null;
  private wakers: Array<() => void> = [];

  push(e: WorkerEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
    for (const wake of this.wakers.splice(0)) wake();
  }

  of(event: WorkerEvent["event"]): WorkerEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  async until(pred: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; events:\n${this.events.map((e) => JSON.stringify(e)).join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export class Worker {
  readonly proc;
  stderr = "";
  private told = false;

  constructor(
    hub: Hub,
    readonly index: number,
    args: string[],
  ) {
    this.proc = Bun.spawn([process.execPath, WORKER, ...args], {
      cwd: ROOT,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    void readLines(this.proc.stdout, (line) => hub.push({ worker: index, ...(JSON.parse(line) as Omit<WorkerEvent, "worker">) }));
    void new Response(this.proc.stderr).text().then((text) => (this.stderr = text));
  }

  /** Tells the worker to release and exit (closes its stdin). */
  go(): void {
    if (this.told) return;
    this.told = true;
    void this.proc.stdin.end();
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onLine(line);
    }
  }
}

export function killAll(workers: Worker[]): void {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill("SIGKILL");
}

/** Max number of [held.t, releasing.t] intervals open at once (a release at t closes before a grant at t). */
export function maxOverlap(hub: Hub): number {
  const points: Array<[number, number]> = [];
  for (const e of hub.of("held")) points.push([e.t!, +1]);
  for (const e of hub.of("releasing")) points.push([e.t!, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, delta] of points) max = Math.max(max, (open += delta));
  return max;
}

