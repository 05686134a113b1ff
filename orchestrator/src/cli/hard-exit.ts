// A second Ctrl-C (or SIGTERM) ends the process at once, so nothing asynchronous runs after it:
// the files of every open task are put back synchronously first, and the message says exactly
// what was put back and what was not.
import { EXIT, type StopSignal } from "../core/errors.ts";
import type { OwnedFiles } from "../workspace/owned-files.ts";

/** Puts back the files of every open task, synchronously, and says what it did: for a second signal. */
export function restoreNow(live: ReadonlySet<OwnedFiles>, first: StopSignal, second: StopSignal): string {
  const restored: string[] = [];
  const failed: string[] = [];
  const journals: string[] = [];
  for (const owned of [...live]) {
    const r = owned.restoreSync();
    restored.push(...r.restored);
    failed.push(...r.failed.map((f) => `${f.file} (${f.code})`));
    if (r.journal) journals.push(r.journal);
  }
  const again = second === first ? `${second} again` : `${second} after ${first}`;
  const parts = [`smol-coder: interrupted by ${again}: stopped at once.`];
  parts.push(restored.length > 0 ? `Put back as they were before the run: ${restored.join(", ")}.` : "No file needed putting back.");
  if (failed.length > 0) parts.push(`Could not put back ${failed.join(", ")}.`);
  if (journals.length > 0) parts.push(`The journal ${journals.join(", ")} stays, and the next run in this workspace checks the files against it.`);
  return `${parts.join(" ")}\n`;
}

/** Restores, says so on stderr, and exits with the first signal's code. */
export function exitAtOnce(live: ReadonlySet<OwnedFiles>, first: StopSignal, second: StopSignal, before: () => void): never {
  const message = restoreNow(live, first, second);
  before();
  process.stderr.write(message);
  process.exit(EXIT.interrupted[first]);
}
