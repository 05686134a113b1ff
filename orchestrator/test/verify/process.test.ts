// The check runner on real processes: a check ends when its script exits, everything it started
// is killed then (whatever group or session it moved to), and the timeout always holds. Each
// test puts a marker in the environment of everything it starts (as the probe table does), so
// whatever is left behind is found.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { runCommand } from "../../src/verify/process.ts";
import { probeMarker, processesWithMarker } from "../../testing/probes.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const GRACE_MS = 1_000;
/** Scheduling on a loaded 2-core machine: the bound is "about the timeout", not a benchmark. */
const SLACK_MS = 1_000;

/** Alive, not a zombie (an orphan waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return !"ZX".includes(stat.slice(stat.lastIndexOf(")") + 2)[0]!);
  } catch {
    return false;
  }
}

/**
 * If a test fails, what it started must not outlive it: the marked processes, and those whose
 * pid a script wrote to a *.pid file and that still run in the workspace (an env-cleared one).
 */
function reapLeftovers(dir: string, marker: string): Disposable {
  return {
    [Symbol.dispose]() {
      const pids = processesWithMarker(marker);
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".pid"))) {
        const pid = Number(readFileSync(path.join(dir, f), "utf8"));
        try {
          if (alive(pid) && readlinkSync(`/proc/${pid}/cwd`) === dir) pids.push(pid);
        } catch {
          // gone
        }
      }
      for (const pid of pids) process.kill(pid, "SIGKILL");
    },
  };
}

/**
 * A FIFO a script writes a line to once it is ready, and the line, read by `cat` (a blocking
 * open of a FIFO would stall the test's event loop).
 */
function readyLine(dir: string): { path: string; line: Promise<string> } {
  const fifo = path.join(dir, "ready.fifo");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  const cat = Bun.spawn(["cat", fifo], { stdout: "pipe" });
  return { path: fifo, line: new Response(cat.stdout).text().then((t) => t.trim()) };
}

/** A shell line that writes the pid of the shell running it to `name`, atomically. */
const writePid = (name: string, pid = "$$") => `echo ${pid} > ${name}.tmp && mv ${name}.tmp ${name}`;
/**
 * A shell that ignores SIGTERM and keeps starting children: it only dies of SIGKILL. Written to
 * go inside double quotes in the check's script (so its `$$` is escaped for the outer shell).
 * With `ready`, it also writes its pid to that FIFO once it ignores SIGTERM.
 */
const stubborn = (name: string, ready?: string) =>
  `trap '' TERM; ${writePid(name, "\\$\\$")}; ${ready ? `echo \\$\\$ > ${ready}; ` : ""}while :; do sleep 1; done`;

describe("a check ends when its script exits", () => {
  test("a background child holding stdout is killed then, and the check is judged by its exit code", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const { env, marker } = probeMarker();
    using _leftovers = reapLeftovers(ws.dir, marker);
    for (const code of [0, 3]) {
      const run = await runCommand("sh", ["-c", `sleep 1000 & echo $! > bg.pid; echo started; exit ${code}`], { cwd: ws.dir, timeoutMs: 30_000, env });
      expect(run).toMatchObject({ reason: "exit", exitCode: code, ok: code === 0 });
      expect(run.output).toContain("started");
      expect(alive(Number(await ws.read("bg.pid")))).toBe(false);
    }
    expect(processesWithMarker(marker)).toEqual([]);
  });

  test("a grandchild that left the session and ignores SIGTERM is killed when the script exits", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const { env, marker } = probeMarker();
    using _leftovers = reapLeftovers(ws.dir, marker);
    const script = `setsid sh -c "${stubborn("gc.pid")}" & while ! test -s gc.pid; do sleep 0.01; done; echo done; exit 0`;
    const run = await runCommand("sh", ["-c", script], { cwd: ws.dir, timeoutMs: 30_000, env });
    expect(run).toMatchObject({ reason: "exit", exitCode: 0, ok: true });
    const gc = Number(await ws.read("gc.pid"));
    expect(gc).toBeGreaterThan(1);
    expect(alive(gc)).toBe(false);
    expect(processesWithMarker(marker)).toEqual([]);
  });
});

describe("the timeout always holds", () => {
  test("a setsid grandchild that traps SIGTERM is gone after the timeout plus the grace period, though the script died of SIGTERM at once", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const { env, marker } = probeMarker();
    using _leftovers = reapLeftovers(ws.dir, marker);
    const timeoutMs = 1_500;
    const run = await runCommand("sh", ["-c", `setsid sh -c "${stubborn("gc.pid")}" & wait`], { cwd: ws.dir, timeoutMs, graceMs: GRACE_MS, env });
    expect(run).toMatchObject({ reason: "timeout", ok: false, exitCode: null });
    // The grandchild gets its grace whether or not its script is gone: the outcome must not hang
    // on how a package manager's runner handles SIGTERM.
    expect(run.durationMs).toBeGreaterThanOrEqual(timeoutMs + GRACE_MS);
    expect(run.durationMs).toBeLessThan(timeoutMs + GRACE_MS + SLACK_MS);
    expect(alive(Number(await ws.read("gc.pid")))).toBe(false);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  test("a script and its setsid grandchild that both trap SIGTERM: SIGKILL after the grace period, for both", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const { env, marker } = probeMarker();
    using _leftovers = reapLeftovers(ws.dir, marker);
    const timeoutMs = 1_500;
    const script = `trap '' TERM; ${writePid("root.pid")}; setsid sh -c "${stubborn("gc.pid")}" & while :; do sleep 1; done`;
    const run = await runCommand("sh", ["-c", script], { cwd: ws.dir, timeoutMs, graceMs: GRACE_MS, env });
    expect(run).toMatchObject({ reason: "timeout", ok: false, exitCode: null });
    expect(run.durationMs).toBeGreaterThanOrEqual(timeoutMs + GRACE_MS);
    expect(run.durationMs).toBeLessThan(timeoutMs + GRACE_MS + SLACK_MS);
    expect(alive(Number(await ws.read("root.pid")))).toBe(false);
    expect(alive(Number(await ws.read("gc.pid")))).toBe(false);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  test("children that cleared their environment are found by their group and by their parent", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const { env, marker } = probeMarker();
    using _leftovers = reapLeftovers(ws.dir, marker);
    // `env -i` drops every mark; the first stays in the group, the second also leaves it, but
    // its parent (the script) is still there at the timeout.
    const script = `env -i sh -c "${stubborn("a.pid")}" & setsid env -i sh -c "${stubborn("b.pid")}" & trap '' TERM; while :; do sleep 1; done`;
    const run = await runCommand("sh", ["-c", script], { cwd: ws.dir, timeoutMs: 1_500, graceMs: GRACE_MS, env });
    expect(run.reason).toBe("timeout");
    expect(alive(Number(await ws.read("a.pid")))).toBe(false);
    expect(alive(Number(await ws.read("b.pid")))).toBe(false);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  test("an abort ends the check at once, setsid grandchild included", async () => {
    await using ws = await createWorkspace({ template: "empty" });
    const { env, marker } = probeMarker();
    using _leftovers = reapLeftovers(ws.dir, marker);
    const controller = new AbortController();
    const ready = readyLine(ws.dir);
    const running = runCommand("sh", ["-c", `setsid sh -c "${stubborn("gc.pid", ready.path)}" & wait`], { cwd: ws.dir, timeoutMs: 60_000, graceMs: GRACE_MS, env, signal: controller.signal });
    const gc = Number(await ready.line);
    expect(alive(gc)).toBe(true);
    controller.abort();
    const run = await running;
    expect(run).toMatchObject({ reason: "aborted", ok: false });
    expect(run.durationMs).toBeLessThan(60_000);
    expect(alive(gc)).toBe(false);
    expect(processesWithMarker(marker)).toEqual([]);
  });
});

test("a CLI that exits in the middle of a check takes the check's processes with it", async () => {
  await using ws = await createWorkspace({ template: "empty" });
  const { env, marker } = probeMarker();
  using _leftovers = reapLeftovers(ws.dir, marker);
  const runner = path.resolve(import.meta.dir, "../../src/verify/process.ts");
  const ready = readyLine(ws.dir);
  // The stand-in CLI starts a check and exits (as on a second Ctrl-C) once it reads its stdin's end.
  const code = `
    import { runCommand } from ${JSON.stringify(runner)};
    void runCommand("sh", ["-c", ${JSON.stringify(`setsid sh -c "${stubborn("gc.pid", ready.path)}" & wait`)}], { cwd: ${JSON.stringify(ws.dir)}, timeoutMs: 60_000 });
    await Bun.stdin.text();
    process.exit(7);
  `;
  const cli = Bun.spawn([process.execPath, "-e", code], { cwd: ws.dir, env: { ...process.env, ...env }, stdin: "pipe", stdout: "inherit", stderr: "inherit" });
  const gc = Number(await ready.line);
  expect(alive(gc)).toBe(true);
  cli.stdin.end();
  expect(await cli.exited).toBe(7);
  expect(alive(Number(await ws.read("gc.pid")))).toBe(false);
  expect(processesWithMarker(marker)).toEqual([]);
});

test("a command that cannot be started is a spawn_error with the reason", async () => {
  await using ws = await createWorkspace({ template: "empty" });
  const run = await runCommand("no-such-command-smol", [], { cwd: ws.dir, timeoutMs: 5_000 });
  expect(run).toMatchObject({ ok: false, reason: "spawn_error", exitCode: null });
  expect(run.output).toContain("no-such-command-smol");
});
