// Where a swarm run's time goes, from the server's clock and the CLI processes' events.
import type { RecordedRequest } from "../../orchestrator/testing/model-server.ts";
import type { CliResult } from "./cli-process.ts";
import { FAST_LIMIT } from "./modes.ts";

type Event = Record<string, unknown>;

/** The file a swarm task creates, found in its prompt (every task has its own). */
export function swarmFile(req: Pick<RecordedRequest, "messages">): string | undefined {
  return /swarm: create (out\/t\d+\.txt)/.exec(req.messages.map((m) => m.content).join("\n"))?.[1];
}

/**
 * The k-th request after the first `limit` took the slot freed by the (k - limit)-th response;
 * its model_call_start (logged once the slot is held) splits the gap in two. All lists sorted.
 */
export function handoffGaps(recv: readonly number[], ends: readonly number[], starts: readonly number[]): { handoffs: number[]; toStart: number[] } {
  const handoffs: number[] = [];
  const toStart: number[] = [];
  for (let k = FAST_LIMIT; k < recv.length; k++) {
    const freed = ends[k - FAST_LIMIT];
    if (freed === undefined) continue;
    handoffs.push(recv[k]! - freed);
    if (starts[k] !== undefined) toStart.push(starts[k]! - freed);
  }
  return { handoffs, toStart };
}

/** Every model_call_start time, sorted. */
export function callStarts(events: readonly Event[]): number[] {
  return events
    .filter((e) => e.event === "model_call_start" && typeof e.time === "number")
    .map((e) => e.time as number)
    .sort((a, b) => a - b);
}

/** Every request: its task's model_call_start → the server receiving it (SDK + HTTP). */
export function requestLatencies(events: readonly Event[], requests: readonly RecordedRequest[]): number[] {
  const fileOfTask = new Map<unknown, string>();
  for (const e of events) if (e.event === "task_created") fileOfTask.set(e.taskId, (e.files as string[])[0]!);
  const startOfFile = new Map<string, number>();
  for (const e of events) {
    const f = fileOfTask.get(e.taskId);
    if (e.event === "model_call_start" && f && typeof e.time === "number") startOfFile.set(f, e.time);
  }
  const toServer: number[] = [];
  for (const req of requests) {
    const f = swarmFile(req);
    const t = f === undefined ? undefined : startOfFile.get(f);
    if (t !== undefined) toServer.push(req.receivedAt - t);
  }
  return toServer;
}

/** Spawn → orchestrator_startup event, per process (NaN for a process that never logged it). */
export function startupTimes(results: readonly CliResult[]): number[] {
  return results.map((r) => {
    const e = r.events.find((x) => x.event === "orchestrator_startup");
    return typeof e?.time === "number" ? e.time - r.spawnedAt : NaN;
  });
}
