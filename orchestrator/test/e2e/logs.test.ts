// Where a run's files go, through the real CLI started from a folder that is neither the
// repository nor the workspace: the README's log commands must work from wherever the user is.
import { expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ResultFileSchema } from "../../src/run/results.ts";
import { runCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace } from "../../testing/workspace.ts";

async function tempDir(prefix: string): Promise<AsyncDisposable & { dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

const task = { description: "create notes.txt", filesOwned: ["notes.txt"] };

test("with nothing set, the log goes to ~/.cache/smol-coder/logs, with its debug lines, wherever the command runs", async () => {
  await using server = await startModelServer();
  await using home = await tempDir("smol-home-");
  await using elsewhere = await tempDir("smol-cwd-");
  await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "echo checked-notes" } });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
  const r = await runCli({
    args: ["--workspace", ws.dir],
    stdin: JSON.stringify(task),
    cwd: elsewhere.dir,
    env: { LITELLM_URL: server.url, HOME: home.dir, XDG_CACHE_HOME: undefined, SMOL_STATE_DIR: undefined, SMOL_LOG_DIR: undefined },
  });
  expect(r.exitCode).toBe(0);

  const startup = r.events.find((e) => e.event === "orchestrator_startup")!;
  const logFile = String(startup.logFile);
  expect(path.dirname(path.dirname(logFile))).toBe(path.join(home.dir, ".cache", "smol-coder", "logs"));
  // The README's command, as written there, with ~ being this HOME.
  const jq = Bun.spawnSync(["bash", "-c", `jq -c 'select(.event == "check_result") | {attempt, check, ok}' ~/.cache/smol-coder/logs/*/*.jsonl`], {
    cwd: elsewhere.dir,
    env: { PATH: process.env.PATH!, HOME: home.dir },
  });
  expect(jq.stderr.toString()).toBe("");
  expect(jq.stdout.toString().trim().split("\n").map((l) => JSON.parse(l))).toEqual([
    { attempt: 0, check: "typecheck", ok: true },
    { attempt: 1, check: "typecheck", ok: true },
  ]);
  const lines = (await readFile(logFile, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  // Debug lines are in the file although stdout is at info: the reply and each check's output.
  expect(lines.find((l) => l.event === "model_reply")).toMatchObject({ level: 20, content: expect.stringContaining("+++ b/notes.txt") });
  expect(lines.find((l) => l.event === "check_result" && l.attempt === 1)).toMatchObject({ output: expect.stringContaining("checked-notes") });
  expect(r.events.some((e) => e.event === "model_reply" || e.event === "check_result")).toBe(false);
  // Nothing landed where the command ran, nor in the workspace besides the task's file.
  expect(await Array.fromAsync(new Bun.Glob("**/*").scan({ cwd: elsewhere.dir, dot: true }))).toEqual([]);
  expect(await ws.read("notes.txt")).toBe("hi\n");
}, 30_000);

test("a config file's logs.dir is relative to the config file, not to where the command runs", async () => {
  await using server = await startModelServer();
  await using confDir = await tempDir("smol-conf-");
  await using elsewhere = await tempDir("smol-cwd-");
  await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" } });
  const config = path.join(confDir.dir, "smol-coder.config.json");
  await writeFile(config, JSON.stringify({ logs: { dir: "run-logs" } }));
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
  const r = await runCli({
    args: ["--workspace", ws.dir, "--config", path.relative(elsewhere.dir, config)],
    stdin: JSON.stringify(task),
    cwd: elsewhere.dir,
    env: { LITELLM_URL: server.url, SMOL_LOG_DIR: undefined },
  });
  expect(r.exitCode).toBe(0);
  const logFile = String(r.events.find((e) => e.event === "orchestrator_startup")!.logFile);
  expect(logFile.startsWith(path.join(confDir.dir, "run-logs") + path.sep)).toBe(true);
  expect(await Bun.file(logFile).exists()).toBe(true);
}, 30_000);

test("--dry-run and --keep-failed are marked in the events and the result file", async () => {
  await using server = await startModelServer();
  await using out = await tempDir("smol-out-");
  // typecheck fails while bad.txt says "bad".
  await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "! grep -q bad bad.txt 2>/dev/null" } });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
  const dry = await runCli({
    args: ["--workspace", ws.dir, "--dry-run", "--result-file", path.join(out.dir, "dry.json")],
    stdin: JSON.stringify(task),
    env: { LITELLM_URL: server.url },
  });
  expect(dry.exitCode).toBe(0);
  expect(dry.events.find((e) => e.event === "task_complete")).toMatchObject({ dryRun: true, files: ["notes.txt"] });
  const dryDoc = ResultFileSchema.parse(JSON.parse(await readFile(path.join(out.dir, "dry.json"), "utf8")));
  expect(dryDoc.tasks[0]).toMatchObject({ status: "complete", dryRun: true, keptFailed: false, filesChanged: [] });
  expect(dryDoc.tasks[0]!.diff).toContain("+hi");
  expect(await ws.read("notes.txt")).toBeNull();

  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("bad.txt", null, "bad\n"))));
  const oneAttempt = path.join(out.dir, "one-attempt.json");
  await writeFile(oneAttempt, JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } }));
  const kept = await runCli({
    args: ["--workspace", ws.dir, "--config", oneAttempt, "--keep-failed", "--result-file", path.join(out.dir, "kept.json")],
    stdin: JSON.stringify({ description: "create bad.txt", filesOwned: ["bad.txt"] }),
    env: { LITELLM_URL: server.url },
  });
  expect(kept.exitCode).toBe(1);
  expect(kept.events.find((e) => e.event === "task_abort")).toMatchObject({ reason: "attempts exhausted", keptFailed: true, keptFiles: ["bad.txt"] });
  const keptDoc = ResultFileSchema.parse(JSON.parse(await readFile(path.join(out.dir, "kept.json"), "utf8")));
  expect(keptDoc.tasks[0]).toMatchObject({ status: "aborted", dryRun: false, keptFailed: true, filesChanged: ["bad.txt"] });
  expect(keptDoc.tasks[0]!.diff).toContain("+bad");
  expect(await ws.read("bad.txt")).toBe("bad\n");
}, 30_000);
