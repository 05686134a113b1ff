// Probe table, input faults: a --result-file that could never be written, a task with a typo or
// a missing verify script, a workspace nothing would check, bad JSON, a path out of the
// workspace, a mistyped flag: each is refused before the run, so no model is called and no file
// changes.
import { describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../../../testing/cli.ts";
import { immutable } from "../../../testing/fs-faults.ts";
import { reply, startModelServer } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../../testing/workspace.ts";

const task = { description: "create notes.txt", filesOwned: ["notes.txt"] };

describe("--result-file is refused before the run (exit 2)", () => {
  const cases: Array<[string, (dir: string) => Promise<{ file: string; undo?: Disposable }>, string]> = [
    ["pointing at a folder", async (dir) => ({ file: dir }), "is a folder; give the path of a file"],
    ["inside an immutable folder", async (dir) => {
      await mkdir(path.join(dir, "out"));
      return { file: path.join(dir, "out", "result.json"), undo: immutable(path.join(dir, "out")) };
    }, "cannot be written (EPERM"],
    ["under a file", async (dir) => ({ file: path.join(dir, "notes.md", "result.json") }), "is not a folder"],
  ];
  for (const [what, make, message] of cases) {
    test(what, async () => {
      await using server = await startModelServer();
      await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK, files: { "notes.md": "n\n" } });
      server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
      const { file, undo } = await make(ws.dir);
      using _undo = undo;
      const before = await ws.snapshot();
      const { env, marker } = probeMarker();
      const r = await runCli({ args: ["--workspace", ws.dir, "--result-file", file], stdin: JSON.stringify(task), env: { ...env, LITELLM_URL: server.url } });
      await expectProbe(r, { exitCode: 2, message: `--result-file ${file}`, unchanged: { ws, before }, marker });
      expect(r.stderr).toContain(message);
      expect(server.requests).toHaveLength(0);
    }, 60_000);
  }
});

describe("a task or workspace that cannot be run as asked is refused before any model call (exit 2)", () => {
  // [what, the task text on stdin, the workspace's verify scripts, extra flags, what stderr says]
  const cases: Array<[string, string, Record<string, string>, string[], RegExp]> = [
    ["a misspelt key in the task (\"verfy\")", JSON.stringify({ ...task, verfy: ["typecheck"] }), PASSING_CHECK, [], /verfy/],
    ["a task's own verify list names a script package.json lacks", JSON.stringify({ ...task, verify: ["test"] }), PASSING_CHECK, [], /asks to be verified by "test"/],
    ["a workspace with none of the verify scripts", JSON.stringify(task), {}, [], /nothing would verify the edits.*--no-checks/s],
    ["task JSON that does not parse", '{ "description": "x", ', PASSING_CHECK, [], /not valid JSON/],
    ["a path that leaves the workspace", JSON.stringify({ description: "x", filesOwned: ["../outside.ts"] }), PASSING_CHECK, [], /\.\./],
    ["an unknown flag, with the closest real one", JSON.stringify(task), PASSING_CHECK, ["--dry-rum"], /unknown option "--dry-rum"; did you mean --dry-run\?/],
  ];
  for (const [what, stdin, scripts, flags, message] of cases) {
    test(what, async () => {
      await using server = await startModelServer();
      await using ws = await createWorkspace({ template: "empty", scripts, files: { "notes.md": "n\n" } });
      server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
      const before = await ws.snapshot();
      const { env, marker } = probeMarker();
      const r = await runCli({ args: ["--workspace", ws.dir, ...flags], stdin, env: { ...env, LITELLM_URL: server.url } });
      await expectProbe(r, { exitCode: 2, message, unchanged: { ws, before }, marker });
      expect(server.requests).toHaveLength(0);
    }, 60_000);
  }
});
