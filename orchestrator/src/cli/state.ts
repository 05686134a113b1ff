// The state folder (SMOL_STATE_DIR, see concurrency/state-dir.ts) as a run uses it: the lease
// db that the tier limits and the workspace locks share, and the baseline cache. A corrupt lease
// db is replaced on the way (lease-file.ts); a folder that cannot be written ends the run here,
// before any model call, with exit 2, the path and the fix.
import path from "node:path";
import { InputError } from "../core/errors.ts";
import { StateFolderError, type LeaseFileRecovery } from "../concurrency/lease-file.ts";
import { openLeaseStore } from "../concurrency/lease-store.ts";
import type { LeaseStore } from "../concurrency/types.ts";
import { createBaselineCache, type BaselineCache } from "../verify/baseline-cache.ts";

export interface RunState {
  /** Tier slots, shared by the processes that talk to the same LITELLM_URL. */
  store: LeaseStore;
  /** Workspace locks, shared by every process. */
  gateStore: LeaseStore;
  baselineCache: BaselineCache;
  /** Corrupt lease files moved aside while opening: the run logs each as state_recovered. */
  recoveries: LeaseFileRecovery[];
  close(): void;
}

export function openRunState(stateDir: string, scope: string): RunState {
  const recoveries: LeaseFileRecovery[] = [];
  const onRecovered = (r: LeaseFileRecovery) => recoveries.push(r);
  let store: LeaseStore | undefined;
  try {
    store = openLeaseStore({ stateDir, scope, onRecovered });
    const gateStore = openLeaseStore({ stateDir, scope: "workspaces", onRecovered });
    const opened = store;
    return {
      store,
      gateStore,
      // A cache: a folder it cannot write only costs a baseline run (baseline-cache.ts).
      baselineCache: createBaselineCache(path.join(stateDir, "baselines")),
      recoveries,
      close() {
        opened.close();
        gateStore.close();
      },
    };
  } catch (error) {
    store?.close();
    if (error instanceof StateFolderError) throw new InputError(stateFolderMessage(stateDir, error));
    throw error;
  }
}

function stateFolderMessage(stateDir: string, error: StateFolderError): string {
  const where = error.path === stateDir ? stateDir : `${stateDir} (${path.basename(error.path)})`;
  return (
    `cannot use the state folder ${where}: ${error.reason}.\n` +
    "It holds the slot leases and the cached baselines; nothing in it needs keeping. " +
    "Make it writable, or set SMOL_STATE_DIR to a folder you can write."
  );
}
