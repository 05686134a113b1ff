// A lease waiter in its own process, for run.ts: what N processes queued for a full tier cost
// while they only wait. Opens the lease store, asks for a slot the bench already holds, and
// measures its own CPU between a "start" and a "stop" line on stdin.
//
//   bun ../bench/swarm/waiter.ts <stateDir> <scope> <key> <limit> [pollMs]
//
// Lines printed (JSON): {"event":"queued"} once queued; {"event":"cpu","cpuMs":…,"wallMs":…}
// after "stop"; then it exits 0 without waiting for the slot.
import { openLeaseStore } from "../../orchestrator/src/concurrency/lease-store.ts";

const [stateDir, scope, key, limitArg, pollArg] = process.argv.slice(2);
if (!stateDir || !scope || !key || !limitArg) {
  console.error("usage: waiter.ts <stateDir> <scope> <key> <limit> [pollMs]");
  process.exit(2);
}
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

const store = openLeaseStore({ stateDir, scope, ...(pollArg ? { pollMs: Number(pollArg) } : {}) });
let announced = false;
store
  .acquire(key, Number(limitArg), {
    onQueued: () => {
      if (!announced) say({ event: "queued" });
      announced = true;
    },
  })
  .then(() => say({ event: "granted" }))
  .catch(() => {});

let cpu0: NodeJS.CpuUsage | null = null;
let wall0 = 0;
const decoder = new TextDecoder();
for await (const chunk of Bun.stdin.stream()) {
  for (const line of decoder.decode(chunk).split("\n")) {
    if (line === "start") {
      cpu0 = process.cpuUsage();
      wall0 = performance.now();
    } else if (line === "stop" && cpu0) {
      const d = process.cpuUsage(cpu0);
      say({ event: "cpu", cpuMs: (d.user + d.system) / 1000, wallMs: performance.now() - wall0 });
      process.exit(0);
    }
  }
}
process.exit(0);
