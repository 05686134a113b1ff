/**
 * A separate process for test/concurrency/lease-store.test.ts. It opens the lease store,
 * acquires one slot, reports on stdout, and holds the slot until its stdin reaches EOF (the test
 * "tells it to go" by closing stdin), then releases and exits 0.
 *
 *   bun testing/lease-worker.ts <stateDir> <scope> <key> <limit> [leaseTtlMs]
 *
 * Lines printed (one JSON object per line):
 *   {"event":"ready","pid":…}                          store opened, about to acquire
 *   {"event":"queued","pid":…,"position":…,"holders":…} from onQueued
 *   {"event":"held","pid":…,"t":…,"holders":…,"waitedMs":…}   t = Date.now() after the grant,
 *                                                      holders = live holders in the db then
 *   {"event":"releasing","pid":…,"t":…}                t = Date.now() just before release()
 */
import { openLeaseStore } from "../src/concurrency/lease-store.ts";

const [stateDir, scope, key, limitArg, ttlArg] = process.argv.slice(2);
if (!stateDir || !scope || !key || !limitArg) {
  console.error("usage: lease-worker.ts <stateDir> <scope> <key> <limit> [leaseTtlMs]");
  process.exit(2);
}

function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...fields })}\n`);
}

const store = openLeaseStore({
  stateDir,
  scope,
  ...(ttlArg ? { leaseTtlMs: Number(ttlArg) } : {}),
});
say("ready");
const lease = await store.acquire(key, Number(limitArg), {
  onQueued: (info) => say("queued", { position: info.position, holders: info.holders }),
});
say("held", { t: Date.now(), holders: store.holders(key), waitedMs: lease.waitedMs });

await Bun.stdin.text(); // wait for the test to close our stdin

say("releasing", { t: Date.now() });
lease.release();
store.close();
