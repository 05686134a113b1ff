// The real CLI on a real file no window holds: zod's 144,911-character to-json-schema.test.ts,
// checked by a real tool (bun's transpiler parses it), with the scripted server answering the
// way a model must, from the excerpts its prompt shows.
import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ORCHESTRATOR_DIR, runCli } from "../../testing/cli.ts";
import { editShownLine } from "../../testing/excerpt-reply.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const FILE = "src/to-json-schema.test.ts";
const LOOP = 'for (const input of ["xxfoo", "xxxfoo", "xfoo", "ab"]) {';
const addInput = (line: string) => line.replace('"xxxfoo", ', '"xxxfoo", "xxxxfoo", ');

test("a one-line change to a 144,911-character file completes at the default config", async () => {
  const before = await readFile(path.join(ORCHESTRATOR_DIR, "node_modules/zod/src/v4/classic/tests/to-json-schema.test.ts"), "utf8");
  await using server = await startModelServer();
  await using ws = await createWorkspace({ template: "empty", files: { [FILE]: before }, scripts: { typecheck: `bun build --no-bundle ${FILE} > /dev/null` } });
  server.onRequest((req) => reply.text(editShownLine(req.messages.at(-1)!.content, FILE, LOOP, addInput)));
  const task = {
    description: `In ${FILE}, make the test "includes with position emits a pattern matching runtime semantics" also check the input "xxxxfoo".`,
    filesOwned: [FILE],
  };

  const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { LITELLM_URL: server.url } });

  expect(r.exitCode).toBe(0);
  expect(await ws.read(FILE)).toBe(before.replace(LOOP, addInput(LOOP)));
  const byName = Object.fromEntries(r.events.map((e) => [e.event, e]));
  expect(byName.tier_selected).toMatchObject({ tier: "fast" });
  expect(byName.prompt_excerpted).toMatchObject({ tier: "fast", attempt: 1, files: [expect.objectContaining({ file: FILE, lines: 4733 })] });
  expect(byName.model_call_start).toMatchObject({ tier: "fast", tokenizer: "qwen2.5" });
  expect(byName.model_call_start!.promptTokens as number).toBeLessThanOrEqual(16_384 - 4096);
  expect(byName.task_complete).toMatchObject({ totalAttempts: 1, finalTier: "fast" });
  expect(server.requests).toHaveLength(1);
}, 60_000);
