// What the machine is and how busy it is, from /proc: the benches report other processes' load
// next to their timings, since the machine may be shared.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";

/** Clock ticks per second, the unit of /proc/stat and /proc/self/stat. */
const CLK_TCK = (() => {
  const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
  return Number(out) > 0 ? Number(out) : 100;
})();

/** Busy CPU time of the whole machine so far, in ms (all processes, plus time stolen by the hypervisor). */
export function machineBusyMs(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
    return (busy * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** CPU time of this bun process itself, in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** user+sys CPU of this process's reaped children, in ms (/proc/self/stat cutime + cstime). */
export function childCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
}

export const coreCount = (): number => os.availableParallelism();

export function cpuModel(): string {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
}
