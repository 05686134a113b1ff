// Probe table, process faults that used to hang a run: verify scripts that leave processes
// behind, hold the output pipes open, leave their session or ignore SIGTERM. Each is one real CLI
// run, with a marker in the environment of everything it starts, so whatever is left is found.
import { expect, test } from "bun:test";
import { runCli } from "../../../testing/cli.ts";
import { reply, startModelServer } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace } from "../../../testing/workspace.ts";

const task = { description: "create notes.txt", filesOwned: ["notes.txt"] };
const notes = (text: string) => reply.text(diffReply(unifiedDiff("notes.txt", null, text)));
/** A shell that ignores SIGTERM and keeps starting children; for inside double quotes. */
const STUBBORN = `trap '' TERM; while :; do sleep 1; done`;

for (const [name, typecheck] of [
  ["a background child holds stdout open (`sleep 1000 &`)", "sleep 1000 & echo checked"],
  ["a grandchild leaves the session (setsid) and ignores SIGTERM", `setsid sh -c "${STUBBORN}" & echo checked`],
] as const) {
  test(`${name}: the check ends when its script exits, passes on its exit code, and nothing is left`, async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck } });
    const { env, marker } = probeMarker();
    server.enqueue("fast-coder", notes("hi\n"));
    // A timeout well above what the checks need, so a check that waited for its pipes would show as one.
    const r = await runCli({
      args: ["--workspace", ws.dir, "--verify-timeout-ms", "20000"],
      stdin: JSON.stringify(task),
      env: { LITELLM_URL: server.url, ...env },
    });
    await expectProbe(r, { exitCode: 0, message: /^$/, marker });
    expect(r.events.find((e) => e.event === "verification_baseline")).toMatchObject({ ok: true, cached: false });
    expect(r.events.find((e) => e.event === "verification_pass")).toMatchObject({ attempt: 1 });
    expect(await ws.read("notes.txt")).toBe("hi\n");
  }, 90_000);
}

test("a check whose script and setsid grandchild both ignore SIGTERM: killed at the timeout plus the grace period; the next attempt passes", async () => {
  await using server = await startModelServer();
  // Hangs only on the first attempt's content: the baseline and the second attempt pass.
  const typecheck = `if grep -q hang notes.txt 2>/dev/null; then setsid sh -c "${STUBBORN}" & trap '' TERM; wait; fi; echo checked`;
  await using ws = await createWorkspace({ template: "empty", scripts: { typecheck } });
  const { env, marker } = probeMarker();
  server.enqueue("fast-coder", notes("hang\n"), notes("ok\n"));
  const timeoutMs = 1_500;
  const r = await runCli({
    args: ["--workspace", ws.dir, "--verify-timeout-ms", String(timeoutMs)],
    stdin: JSON.stringify(task),
    env: { LITELLM_URL: server.url, ...env },
  });
  await expectProbe(r, { exitCode: 0, message: /^$/, marker });
  const fail = r.events.find((e) => e.event === "verification_fail")!;
  expect(fail).toMatchObject({ attempt: 1, failedChecks: ["typecheck"], errors: [`unknown: typecheck timed out after ${timeoutMs} ms and was killed`] });
  // SIGTERM at the timeout, SIGKILL 2 s (KILL_GRACE_MS) later; the slack is for a loaded machine.
  expect(Number(fail.durationMs)).toBeGreaterThanOrEqual(timeoutMs + 2_000);
  expect(Number(fail.durationMs)).toBeLessThan(timeoutMs + 2_000 + 1_500);
  expect(r.events.find((e) => e.event === "verification_pass")).toMatchObject({ attempt: 2 });
  expect(await ws.read("notes.txt")).toBe("ok\n");
}, 90_000);
