// Whether the process behind a lease row still runs: a dead holder's slot is free at once.

/** `process.kill(pid, 0)`: no error or EPERM (exists, not ours) => alive; ESRCH => dead. */
export function pidIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
