// The command as a user installs it: scripts/install.ts builds the single-file binary here and
// puts it in a bin folder, and that binary runs a task against the scripted model server, with
// a `bun run` check, on a PATH that has no bun on it. The bin-entry way (--link) is checked too.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseJsonLines } from "../../testing/logs.ts";
import { ORCHESTRATOR_DIR } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace } from "../../testing/workspace.ts";

let root = "";
let binary = "";

/** A PATH with only the tools a run needs besides bun: a shell for the scripts, patch, nice. */
async function pathWithoutBun(): Promise<string> {
  const dir = path.join(root, "tools");
  await mkdir(dir, { recursive: true });
  for (const tool of ["sh", "bash", "patch", "nice"]) {
    const found = Bun.which(tool);
    if (!found) throw new Error(`${tool} is not installed: apt-get install -y ${tool === "nice" ? "coreutils" : tool}`);
    await symlink(found, path.join(dir, tool));
  }
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "smol-binary-"));
  const install = Bun.spawn([process.execPath, path.join(ORCHESTRATOR_DIR, "scripts", "install.ts"), "--bin-dir", path.join(root, "bin")], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(install.stdout).text(), new Response(install.stderr).text(), install.exited]);
  if (code !== 0) throw new Error(`scripts/install.ts failed (exit ${code}):\n${out}${err}`);
  binary = path.join(root, "bin", "smol-coder");
  expect(out).toContain(`installed ${binary} (smol-coder `);
}, 180_000);

afterAll(() => rm(root, { recursive: true, force: true }));

test("the installed binary is one regular file that answers --version and --help", async () => {
  expect((await lstat(binary)).isFile()).toBe(true);
  const version = Bun.spawnSync([binary, "--version"], { env: { PATH: "/nonexistent" } });
  expect(version.stdout.toString()).toMatch(/^smol-coder \d+\.\d+\.\d+\n$/);
  const help = Bun.spawnSync([binary, "--help"], { env: { PATH: "/nonexistent" } });
  expect(help.exitCode).toBe(0);
  expect(help.stdout.toString()).toContain("LITELLM_URL");
});

test("the binary runs a task to completion, its bun run check included, with no bun on the PATH", async () => {
  await using server = await startModelServer();
  // Three checks: one runs at normal priority, the others under `nice` (a wrapper around the binary).
  const scripts = { typecheck: "echo typecheck-ran-here", lint: "echo lint-ran-here", build: "echo build-ran-here" };
  await using ws = await createWorkspace({ template: "empty", scripts });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
  const state = path.join(root, "state");
  const proc = Bun.spawn([binary, "--workspace", ws.dir], {
    cwd: root,
    stdin: new TextEncoder().encode(JSON.stringify({ description: "create notes.txt", filesOwned: ["notes.txt"] })),
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: await pathWithoutBun(), HOME: root, LITELLM_URL: server.url, NODE_ENV: "production", SMOL_STATE_DIR: state },
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  const events = parseJsonLines(out);
  expect(events.find((e) => e.event === "task_complete")).toMatchObject({ verified: true, files: ["notes.txt"] });
  expect(await ws.read("notes.txt")).toBe("hi\n");
  // The check really ran through `bun run` (the binary acting as bun): its output is in the log file.
  const logFile = String(events.find((e) => e.event === "orchestrator_startup")!.logFile);
  expect(logFile.startsWith(path.join(state, "logs") + path.sep)).toBe(true);
  const checks = parseJsonLines(await readFile(logFile, "utf8")).filter((e) => e.event === "check_result");
  const ran = checks.map((c) => [c.attempt, c.check, c.ok, String(c.output).trim()]).sort((a, b) => String(a).localeCompare(String(b)));
  expect(ran).toEqual(
    [0, 1].flatMap((attempt) => Object.keys(scripts).map((name) => [attempt, name, true, `${name}-ran-here`])).sort((a, b) => String(a).localeCompare(String(b))),
  );
}, 60_000);

test("--link installs the package's bin entry instead, and leaves git's view of the clone clean", async () => {
  const bunInstall = path.join(root, "bun-home");
  const entry = path.join(ORCHESTRATOR_DIR, "src", "index.ts");
  const mode = (await stat(entry)).mode & 0o777;
  await using _restore = { [Symbol.asyncDispose]: () => chmod(entry, mode) }; // bun link makes it 777
  const proc = Bun.spawn([process.execPath, path.join(ORCHESTRATOR_DIR, "scripts", "install.ts"), "--link"], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, BUN_INSTALL: bunInstall },
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  const linked = path.join(bunInstall, "bin", "smol-coder");
  expect(out).toContain(`installed ${linked} (smol-coder `);
  expect((await lstat(linked)).isSymbolicLink()).toBe(true);
  const version = Bun.spawnSync([linked, "--version"], { cwd: root });
  expect(version.stdout.toString()).toMatch(/^smol-coder \d+\.\d+\.\d+\n$/);
  const git = Bun.spawnSync(["git", "status", "--porcelain", "--", "src/index.ts"], { cwd: ORCHESTRATOR_DIR });
  expect(git.stdout.toString()).toBe("");
}, 60_000);
