// Workspace gates (see WorkspaceGate): one for a single process, one across processes.
import type { LeaseStore, WorkspaceGate } from "./types.ts";

type Release = () => void;

interface Locks {
  workspace(): Promise<Release>;
  file(file: string): Promise<Release>;
}

/** The gate over whatever mutexes `locks` takes. */
function gateOver(locks: Locks): WorkspaceGate {
  return {
    async exclusive(fn) {
      const release = await locks.workspace();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    async claimFiles(files) {
      const releases: Release[] = [];
      // Sorted, so two tasks claiming overlapping sets can never wait on each other in a cycle.
      for (const f of [...files].sort()) releases.push(await locks.file(f));
      return () => releases.forEach((r) => r());
    },
  };
}

/** A gate for one process: enough for library use and for a batch without other processes. */
export function createLocalGate(): WorkspaceGate {
  const chains = new Map<string, Promise<void>>();
  const lock = async (key: string): Promise<Release> => {
    const before = chains.get(key) ?? Promise.resolve();
    let release!: Release;
    const mine = new Promise<void>((r) => (release = r));
    chains.set(key, before.then(() => mine));
    await before;
    return release;
  };
  return gateOver({ workspace: () => lock("workspace"), file: (f) => lock(`file:${f}`) });
}

/** The same gate across processes, as leases keyed by the workspace's real path. */
export function createLeaseGate(store: LeaseStore, root: string): WorkspaceGate {
  const lock = async (key: string): Promise<Release> => (await store.acquire(key, 1)).release;
  return gateOver({ workspace: () => lock(`workspace:${root}`), file: (f) => lock(`file:${root}/${f}`) });
}
