// The programs a run shells out to must be on PATH.
import type { DoctorCheck } from "./check.ts";

export function toolCheck(name: string, which: (cmd: string) => string | null): DoctorCheck {
  let found: string | null = null;
  try {
    found = which(name);
  } catch {
    found = null;
  }
  return found
    ? { name, ok: true, detail: found }
    : { name, ok: false, detail: `${name} not found on PATH`, fix: `apt-get install -y ${name}` };
}
