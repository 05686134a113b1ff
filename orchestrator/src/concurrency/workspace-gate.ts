// Workspace gates (see WorkspaceGate): one for a single process, one across processes.
import type { LeaseStore, WorkspaceGate } from "./types.ts";

type Release = () => void;

interface Locks {
  /** `onWait` is told once, synchronously or later, when the lock is held by someone else. */
  workspace(onWait?: () => void): Promise<Release>;
  file(file: string, onWait?: () => void): Promise<Release>;
}

/** The gate over whatever mutexes `locks` takes. */
function gateOver(locks: Locks): WorkspaceGate {
  return {
    async exclusive(fn, onWait) {
      const release = await locks.workspace(onWait);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    async claimFiles(files, onWait) {
      const releases: Release[] = [];
      const once = onceOnly(onWait);
      // Sorted, so two tasks claiming overlapping sets can never wait on each other in a cycle.
      for (const f of [...files].sort()) releases.push(await locks.file(f, once));
      return () => releases.forEach((r) => r());
    },
  };
}

function onceOnly(fn: (() => void) | undefined): (() => void) | undefined {
  if (!fn) return undefined;
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}

/** A gate for one process: enough for library use and for a batch without other processes. */
export function createLocalGate(): WorkspaceGate {
  const chains = new Map<string, Promise<void>>();
  /** Holders plus waiters of each key: more than zero before us means we wait. */
  const depth = new Map<string, number>();
  const lock = async (key: string, onWait?: () => void): Promise<Release> => {
    const ahead = depth.get(key) ?? 0;
    depth.set(key, ahead + 1);
    if (ahead > 0) onWait?.();
    const before = chains.get(key) ?? Promise.resolve();
    let release!: Release;
    const mine = new Promise<void>((r) => (release = r));
    chains.set(key, before.then(() => mine));
    await before;
    return () => {
      depth.set(key, (depth.get(key) ?? 1) - 1);
      release();
    };
  };
  return gateOver({ workspace: (onWait) => lock("workspace", onWait), file: (f, onWait) => lock(`file:${f}`, onWait) });
}

/** The same gate across processes, as leases keyed by the workspace's real path. */
export function createLeaseGate(store: LeaseStore, root: string): WorkspaceGate {
  const lock = async (key: string, onWait?: () => void): Promise<Release> =>
    (await store.acquire(key, 1, { onQueued: onceOnly(onWait) })).release;
  return gateOver({ workspace: (onWait) => lock(`workspace:${root}`, onWait), file: (f, onWait) => lock(`file:${root}/${f}`, onWait) });
}
