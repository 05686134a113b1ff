// Which process wrote something, told apart from a later process that got the same pid: a pid
// alone is reused (after a reboot, at once), so Linux's boot id and the process's start time
// go with it. Elsewhere the pid is all there is.
import { readFileSync } from "node:fs";
import { pidIsAlive } from "./pid.ts";

export interface ProcessStamp {
  pid: number;
  /** /proc/sys/kernel/random/boot_id: a new one after every boot. */
  bootId: string | null;
  /** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
  startTicks: string | null;
}

export function currentProcessStamp(): ProcessStamp {
  return { pid: process.pid, bootId: bootId(), startTicks: startTicksOf(process.pid) };
}

/** Whether the process that made `stamp` still runs. */
export function stampIsAlive(stamp: ProcessStamp): boolean {
  const boot = bootId();
  if (stamp.bootId && boot && stamp.bootId !== boot) return false;
  if (!pidIsAlive(stamp.pid)) return false;
  const ticks = stamp.startTicks ? startTicksOf(stamp.pid) : null;
  return !(ticks && ticks !== stamp.startTicks);
}

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}

function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
