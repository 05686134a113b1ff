// The swarm bench's tables: the runs per N and mode, where their time went, and the lease store
// measured alone.
import { DEFAULT_POLL_MS } from "../../orchestrator/src/concurrency/lease-store.ts";
import { millis as ms, seconds } from "../lib/format.ts";
import { coreCount } from "../lib/machine.ts";
import { maxOf, mean, median, quantile } from "../lib/stats.ts";
import type { HandoffStats, PollingStats } from "./lease-costs.ts";
import { FAST_LIMIT, idealMs, MODE_LABEL, TARGET_RATIO, type Mode } from "./modes.ts";
import type { RunStats } from "./run-once.ts";

export const sec = (x: number) => `${seconds(x)} s`;
export const ratio = (x: number) => `${x.toFixed(2)}x`;
const verdict = (r: number) => (r <= TARGET_RATIO ? "met" : "**missed**");

/** "median (min–max)" over runs. */
function spread(xs: number[], fmt: (x: number) => string): string {
  return xs.length === 1 ? fmt(xs[0]!) : `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

export interface Group {
  n: number;
  mode: Mode;
  runs: RunStats[];
}

export function groupRows(groups: Group[], delayMs: number): { main: string; detail: string } {
  const main = [
    `| N | mode | fast max in flight (limit ${FAST_LIMIT}) | deep / reviewer max | all complete | ideal | server makespan | server / ideal | end-to-end makespan | end-to-end / ideal |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const detail = [
    "| N | mode | spawn → first request | process start-up (median / max) | tasks that queued | hand-off gap (median / p90 / max) | … response end → next model_call_start (median / p90) | model_call_start → server, every request (median / max) | server timer lag (median / max) | last response → last exit | CLI CPU (user+sys) | other load |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const g of groups) {
    const ideal = idealMs(g.n, delayMs);
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

export function leaseRows(stats: HandoffStats[]): string {
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

export function pollingRows(stats: PollingStats[]): string {
  const rows = [
    `| processes waiting | poll interval | CPU per waiter | all waiters together | machine busy (of ${coreCount()} cores) |`,
    "| --- | --- | --- | --- | --- |",
  ];
  for (const s of stats) {
    const d = s.pollMs === DEFAULT_POLL_MS ? " (default)" : "";
    rows.push(`| ${s.waiters} | ${s.pollMs} ms${d} | ${ms(s.perWaiterMsPerS)} per s | ${s.totalCores.toFixed(2)} cores | ${s.machineCores.toFixed(2)} cores |`);
  }
  return rows.join("\n");
}
