import { afterEach, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pruneLogs } from "../../src/run/log-files.ts";
import { createTelemetry, emit } from "../../src/core/telemetry.ts";

const dirs: string[] = [];
afterEach(async () => void (await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))));

test("pruneLogs keeps the newest N run logs and removes emptied date folders", async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "smol-logs-"));
  dirs.push(root);
  const files = [
    ["2026-11-01", "a.jsonl", 1],
    ["2026-11-01", "b.jsonl", 2],
    ["2026-11-02", "c.jsonl", 3],
    ["2026-11-03", "d.jsonl", 4],
  ] as const;
  for (const [day, name, age] of files) {
    await mkdir(path.join(root, day), { recursive: true });
    await writeFile(path.join(root, day, name), "{}\n");
    const t = new Date(Date.UTC(2026, 10, age));
    await utimes(path.join(root, day, name), t, t);
  }
  await writeFile(path.join(root, ".gitkeep"), "");
  const removed = await pruneLogs(root, 2);
  expect(removed.map((f) => path.basename(f)).sort()).toEqual(["a.jsonl", "b.jsonl"]);
  expect((await readdir(root)).sort()).toEqual([".gitkeep", "2026-11-02", "2026-11-03"]);
});

test("telemetry writes every event to logs/<date>/<runId>.jsonl as JSON lines", async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "smol-logs-"));
  dirs.push(root);
  const lines: string[] = [];
  const t = createTelemetry({
    level: "warn",
    pretty: false,
    logDir: root,
    runId: "run-1",
    now: () => new Date("2026-11-24T12:00:00Z"),
    stdout: { write: (l: string) => void lines.push(l) },
  });
  emit(t.logger, { event: "task_created", tier: "fast", description: "d", files: ["a.ts"] });
  emit(t.logger, { event: "escalation", fromTier: "fast", toTier: "deep", reason: "2 failures at fast tier" });
  emit(t.logger, { event: "verification_fail", attempt: 1, errorCount: 1, errors: ["e"], failedChecks: ["lint"], durationMs: 5 });
  t.flush();
  expect(t.logFile).toBe(path.join(root, "2026-11-24", "run-1.jsonl"));
  const file = (await Bun.file(t.logFile!).text()).trim().split("\n").map((l) => JSON.parse(l));
  expect(file.map((e) => e.event)).toEqual(["task_created", "escalation", "verification_fail"]);
  // The console follows LOG_LEVEL (warn here); the file keeps everything.
  expect(lines.map((l) => JSON.parse(l).event)).toEqual(["verification_fail"]);
  expect(file[0]).toMatchObject({ runId: "run-1", msg: "task_created", level: 30 });
});
