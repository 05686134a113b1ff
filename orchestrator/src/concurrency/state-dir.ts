// Where smol-coder keeps what it writes on this machine: the lease db, the baseline cache and
// the run logs, all under one folder, so a user finds them in one place whatever folder the
// command ran from.
import { homedir } from "node:os";
import path from "node:path";

type RawEnv = Record<string, string | undefined>;

/**
 * $SMOL_STATE_DIR, else $XDG_CACHE_HOME/smol-coder (only if absolute, as the XDG spec
 * requires), else ~/.cache/smol-coder.
 */
export function defaultStateDir(env: RawEnv): string {
  const explicit = env.SMOL_STATE_DIR?.trim();
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "smol-coder");
  const home = env.HOME?.trim() || homedir();
  return path.join(home, ".cache", "smol-coder");
}

/**
 * Run logs: $SMOL_LOG_DIR, else the state folder's logs/. Not the workspace (a log would be a
 * file the task did not own, left in the user's project) and not the current folder (the
 * logs of one project would scatter over wherever the command happened to run).
 */
export function defaultLogDir(env: RawEnv): string {
  const explicit = env.SMOL_LOG_DIR?.trim();
  return explicit ? path.resolve(explicit) : path.join(defaultStateDir(env), "logs");
}
