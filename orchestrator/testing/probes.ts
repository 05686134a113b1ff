// The probe table's shared checks. A probe is one hostile input, broken workspace, killed
// process, broken server, bad input or corrupt state, run through the real CLI; each asserts
// the exit code, the message, the files byte for byte, and that no process it started is left.
// The tests live in test/e2e/probes/<group>.test.ts, one group per file.
import { readdirSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { expect } from "bun:test";
import type { CliResult } from "./cli.ts";
import type { TempWorkspace } from "./workspace.ts";

export type ProbeGroup = "hostile reply" | "workspace fault" | "process fault" | "server fault" | "input fault" | "state fault";

/**
 * An env var every process of one probe inherits (the CLI, its checks, their children), so the
 * probe can find what it left behind even when a process left its group or session.
 */
export function probeMarker(): { env: Record<string, string>; marker: string } {
  const marker = randomUUID();
  return { env: { SMOL_PROBE_MARKER: marker }, marker };
}

/** Pids of live processes whose environment carries the marker (Linux: /proc). */
export function processesWithMarker(marker: string): number[] {
  const needle = `SMOL_PROBE_MARKER=${marker}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (env.split("\0").includes(needle)) found.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return found;
}

export interface ProbeExpectation {
  exitCode: number;
  /** What stderr must say. */
  message: RegExp | string;
  /** The workspace snapshot taken before the run: the files must be exactly as they were. */
  unchanged?: { ws: TempWorkspace; before: Map<string, string> };
  marker: string;
}

export async function expectProbe(result: CliResult, want: ProbeExpectation): Promise<void> {
  expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: want.exitCode });
  if (typeof want.message === "string") expect(result.stderr).toContain(want.message);
  else expect(result.stderr).toMatch(want.message);
  if (want.unchanged) expect(await want.unchanged.ws.snapshot()).toEqual(want.unchanged.before);
  expect(processesWithMarker(want.marker)).toEqual([]);
}
