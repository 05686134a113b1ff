// Where the lease db (and the baseline cache) live on this machine.
import { homedir } from "node:os";
import path from "node:path";

/**
 * Where the lease db lives unless told otherwise: $SMOL_STATE_DIR, else $XDG_CACHE_HOME/smol-coder
 * (only if absolute, as the XDG spec requires), else ~/.cache/smol-coder.
 */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  const explicit = env.SMOL_STATE_DIR?.trim();
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "smol-coder");
  const home = env.HOME?.trim() || homedir();
  return path.join(home, ".cache", "smol-coder");
}
