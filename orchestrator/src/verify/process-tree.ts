// Finds and kills every process a check started, including the ones that left its process group
// or session (`setsid`, a daemon, a watcher whose parent has exited).
//
// How they are found. Each check's environment carries a variable of its own name,
// SMOL_CHECK_<id>=1, which every descendant inherits whatever its group, session or parent
// (a name of its own, not a shared name with an id as value, so a check inside a check keeps
// both marks). Around that: the check's process group (a member that reset its environment),
// the children of every process found (an env-cleared child whose parent is still there), and
// every process found before (SIGKILL also reaches what the SIGTERM round saw, though its parent
// has exited since; a process is known by pid and start time, as pids are reused).
// - Linux: /proc/<pid>/environ and /proc/<pid>/stat; a user may read these for their own
//   processes, so no privilege is needed.
// - macOS: `ps -E` prints the environment of the user's own processes (KERN_PROCARGS2) and the
//   same rules apply. (Written to the man page; the tests run on Linux only.)
// - Elsewhere: the process group only.
// What escapes: a process that clears its environment AND leaves the group after its parent
// has exited (`env -i setsid daemon &` from a shell that then exits).
//
// What else was measured (root in a container, cgroup v1): a cgroup can be made under
// /sys/fs/cgroup/pids/ here, but only as root or with delegation, and never on macOS, so it
// would be a second path that users do not get. prctl(PR_SET_CHILD_SUBREAPER) works from
// bun:ffi, but Bun does not reap the orphans the CLI then adopts (they stay zombies), and an
// adopted orphan can be told from the CLI's own children only by the marker, which finds it
// anyway. So the marker it is, on both systems.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
  /** When it started (clock ticks since boot), to tell a reused pid from the process seen before; "" if unknown. */
  start: string;
  /** Carries the check's marker in its environment. */
  marked: boolean;
}

export interface CheckProcesses {
  /** Added to the check's environment. */
  env: Record<string, string>;
  /** Every live process of the check whose first process (and group leader) is `rootPid`. */
  find(rootPid: number): number[];
  /** Sends `signal` to every process found; returns how many. */
  signal(rootPid: number, signal: NodeJS.Signals): number;
  /** Resolves once nothing of the check is found, or at `until` (performance.now() time). */
  waitGone(rootPid: number, until: number): Promise<void>;
  /** SIGKILLs what is found until nothing is (or the rounds run out); returns how many were killed. */
  killAll(rootPid: number): Promise<number>;
  /** The same, without waiting: for the CLI's exit, when no timer will run again. */
  killAllNow(rootPid: number): void;
}

export interface CheckProcessOptions {
  /** The processes on the machine; default: /proc on Linux, `ps -E` on macOS. */
  list?: (markerName: string) => ProcessRow[];
  /** Never signalled (the CLI itself). Default process.pid. */
  self?: number;
}

/** A SIGKILLed process is gone within a scheduler tick; one in uninterruptible I/O may take longer. */
const KILL_ROUNDS = 40;
const KILL_ROUND_MS = 25;

export function markCheck(options: CheckProcessOptions = {}): CheckProcesses {
  const name = `SMOL_CHECK_${randomUUID().replace(/-/g, "")}`;
  const list = options.list ?? listProcesses;
  const self = options.self ?? process.pid;
  const seen = new Set<string>();
  const find = (rootPid: number) => {
    const rows = list(name);
    const pids = selectTree(rows, rootPid, self, seen);
    const picked = new Set(pids);
    for (const r of rows) if (picked.has(r.pid)) seen.add(identity(r));
    return pids;
  };
  const signal = (rootPid: number, sig: NodeJS.Signals) => {
    const pids = find(rootPid);
    for (const pid of pids) sendSignal(pid, sig);
    sendSignal(-rootPid, sig); // the group, wherever the listing cannot see
    return pids.length;
  };
  return {
    env: { [name]: "1" },
    find,
    signal,
    async waitGone(rootPid, until) {
      while (performance.now() < until && find(rootPid).length > 0) await Bun.sleep(Math.min(KILL_ROUND_MS, Math.max(0, until - performance.now())));
    },
    async killAll(rootPid) {
      let killed = 0;
      for (let round = 0; round < KILL_ROUNDS; round++) {
        const n = signal(rootPid, "SIGKILL");
        if (n === 0) break;
        killed += n;
        await Bun.sleep(KILL_ROUND_MS);
      }
      return killed;
    },
    killAllNow(rootPid) {
      // From an "exit" handler nothing else runs any more, so it naps synchronously between
      // rounds: a SIGKILLed process takes a moment to die, and a CLI that says "exited" must
      // not leave its checks running behind it.
      const nap = new Int32Array(new SharedArrayBuffer(4));
      for (let round = 0; round < KILL_ROUNDS && signal(rootPid, "SIGKILL") > 0; round++) Atomics.wait(nap, 0, 0, KILL_ROUND_MS);
    },
  };
}

/**
 * The check's live processes: the marked ones, the members of its group (its first process
 * leads the group: it is spawned detached) and the ones `seen` before, then, transitively, the
 * children of any of them.
 */
export function selectTree(rows: readonly ProcessRow[], rootPid: number, self: number, seen: ReadonlySet<string> = new Set()): number[] {
  const live = rows.filter((r) => !r.zombie && r.pid !== self);
  const found = new Set(live.filter((r) => r.marked || r.pgid === rootPid || seen.has(identity(r))).map((r) => r.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of live) {
      if (!found.has(r.pid) && found.has(r.ppid)) {
        found.add(r.pid);
        grew = true;
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

function identity(row: ProcessRow): string {
  return `${row.pid}:${row.start}`;
}

function sendSignal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already (ESRCH), or not ours (EPERM): nothing to do either way.
  }
}

function listProcesses(markerName: string): ProcessRow[] {
  if (process.platform === "linux") return listProc(markerName);
  if (process.platform === "darwin") return listPs(markerName);
  return [];
}

function listProc(markerName: string): ProcessRow[] {
  const needle = `${markerName}=`;
  const rows: ProcessRow[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [state, ppid, pgid] = fields;
      const zombie = state === "Z" || state === "X";
      let marked = false;
      if (!zombie) {
        const env = readFileSync(`/proc/${entry}/environ`, "latin1");
        marked = env.startsWith(needle) || env.includes(`\0${needle}`);
      }
      // Field 22 of stat (starttime) is the 20th after the comm.
      rows.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgid), zombie, start: fields[19] ?? "", marked });
    } catch {
      // Gone while we looked, or another user's: not one of ours.
    }
  }
  return rows;
}

function listPs(markerName: string): ProcessRow[] {
  const ps = Bun.spawnSync(["ps", "-axEww", "-o", "pid=,ppid=,pgid=,stat=,command="], { stdout: "pipe", stderr: "ignore" });
  if (ps.exitCode !== 0) return [];
  return parsePs(ps.stdout.toString(), markerName);
}

/** Lines of `ps -o pid=,ppid=,pgid=,stat=,command=` with -E: the environment follows the command. */
export function parsePs(text: string, markerName: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s?(.*)$/.exec(line);
    if (!m) continue;
    rows.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      pgid: Number(m[3]),
      zombie: m[4]!.startsWith("Z"),
      start: "", // a reused pid is not told apart on macOS
      marked: ` ${m[5]}`.includes(` ${markerName}=`),
    });
  }
  return rows;
}
