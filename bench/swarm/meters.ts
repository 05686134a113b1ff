// Meters of a swarm run beside the CLI processes: the load everything else puts on the machine,
// and when the model server finished each response.
import type { ModelServer } from "../../orchestrator/testing/model-server.ts";
import { machineBusyMs } from "../lib/machine.ts";

/**
 * Busy cores from /proc/stat (steal included) over a run, less this process's CPU and the CLI
 * processes' CPU, per second of wall time: what everything else on the machine used meanwhile.
 */
export function startLoadMeter(): { otherCores(childCpuS: number): number } {
  const busy = () => machineBusyMs() / 1000;
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
export function watchResponseEnds(server: ModelServer): { times(): number[] } {
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
