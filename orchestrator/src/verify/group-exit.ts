// A process that exits at once (a second Ctrl-C) runs no `finally`, so a check's process group
// would outlive it. This kills the group from the process's "exit" event and, where /proc shows
// the group, waits a moment (synchronously: nothing else runs any more) until no member of it
// is still running, so that "exited" also means "its checks are gone".
import { readdirSync, readFileSync } from "node:fs";

const WAIT_MS = 1_000;

/** Kills group `pgid` if this process exits while it runs; returns the function that stops watching. */
export function killGroupOnExit(pgid: number | undefined): () => void {
  if (pgid === undefined) return () => {};
  const onExit = () => {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      return; // The group is already gone.
    }
    waitUntilGone(pgid);
  };
  process.once("exit", onExit);
  return () => process.off("exit", onExit);
}

function waitUntilGone(pgid: number): void {
  const until = performance.now() + WAIT_MS;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (performance.now() < until && groupRuns(pgid)) Atomics.wait(nap, 0, 0, 2);
}

/** Whether a member of the group is still alive (a zombie is not: it only waits to be reaped). */
function groupRuns(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return false; // No /proc (macOS): the SIGKILL is all there is.
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
    } catch {
      // Gone while we looked.
    }
  }
  return false;
}
