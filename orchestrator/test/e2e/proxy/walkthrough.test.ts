// The seed's walkthroughs through the whole chain: the real CLI, the real LiteLLM proxy
// (litellm/run.sh with the project's litellm/config.yaml, unchanged) and the Ollama stand-in
// behind it, on a real Vite react-ts workspace with real tsc, ESLint and vite build.
import { describe, expect, test } from "bun:test";
import { eventNames, runCli } from "../../../testing/cli.ts";
import { ollamaReply } from "../../../testing/ollama/script.ts";
import type { OllamaRequest } from "../../../testing/ollama/standin.ts";
import { useProxyChain } from "../../../testing/proxy/chain.ts";
import { expectEscalationWalkthrough } from "../../../testing/walkthrough.ts";
import { CARD_TSX, CARD_WITH_TYPE_ERRORS, diffReply, FIRST_TRY_TASK_EVENTS, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../../testing/workspace.ts";

const CARD = "src/components/Card.tsx";
const cardTask = {
  description:
    "Create a Card component in src/components/Card.tsx with props title (string), description (optional string) and onAction (optional callback). When onAction is given, render a 'Learn More' button. Export it as default.",
  filesOwned: [CARD],
};
const FAST = "qwen2.5-coder:7b-instruct";
const DEEP = "qwen2.5-coder:14b-instruct";
const REVIEWER = "qwen2.5:7b-instruct";

const proxyChain = useProxyChain();

/** The /api/chat requests Ollama got since `from`. */
function chatsSince(from: number): OllamaRequest[] {
  return proxyChain().ollama.requests.slice(from).filter((r) => r.path === "/api/chat");
}

describe("the seed's walkthroughs, through LiteLLM", () => {
  test("the Card task completes at fast, with the README's events and Ollama's own token counts", async () => {
    await using ws = await createWorkspace({ template: "react-ts" });
    const from = proxyChain().ollama.requests.length;
    proxyChain().ollama.enqueue(FAST, ollamaReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))).chunkChars(40).counts(812, 35));

    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(cardTask), env: proxyChain().env() });

    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
    // The baseline runs while the first call is out, so it may end before or after the reply;
    // it always ends before the edit is applied.
    const names = eventNames(r.events);
    expect(names.indexOf("verification_baseline")).toBeGreaterThan(names.indexOf("task_created"));
    expect(names.indexOf("verification_baseline")).toBeLessThan(names.indexOf("patch_applied"));
    expect(names.filter((n) => n !== "verification_baseline")).toEqual(["orchestrator_startup", "tier_selected", ...FIRST_TRY_TASK_EVENTS, "run_summary"]);
    const byName = Object.fromEntries(r.events.map((e) => [e.event, e]));
    expect(byName.model_call_complete).toMatchObject({ tier: "fast", model: "fast-coder", attempt: 1, promptTokens: 812, completionTokens: 35, tokens: 847 });
    expect(byName.task_complete).toMatchObject({ totalAttempts: 1, finalTier: "fast", tokens: { prompt: 812, completion: 35, total: 847 }, verified: true });
    expect(await ws.read(CARD)).toBe(CARD_TSX);

    // What LiteLLM asked Ollama for: the tier's model, its window and keep_alive from litellm/config.yaml.
    const [chat] = chatsSince(from);
    expect(chat!.body).toMatchObject({ model: FAST, stream: true, keep_alive: "30m", options: { num_ctx: 16384, num_predict: 4096, temperature: 0.2 } });
    expect(chat!.body.messages.at(-1).content).toContain("(new file");
  }, 90_000);

  test("escalation: two type errors at fast, deep (num_ctx 32768) sees them and passes; tokens per tier are Ollama's", async () => {
    // The real tsc judges it; lint and build are left out to keep three attempts quick (the
    // Card test above and test/e2e/walkthrough.test.ts run all three).
    await using ws = await createWorkspace({ template: "react-ts", scripts: { lint: "true", build: "true" } });
    const from = proxyChain().ollama.requests.length;
    const bad = diffReply(unifiedDiff(CARD, null, CARD_WITH_TYPE_ERRORS));
    proxyChain().ollama.enqueue(FAST, ollamaReply.text(bad).chunkChars(40).counts(800, 60), ollamaReply.text(bad).chunkChars(40).counts(950, 60));
    proxyChain().ollama.enqueue(DEEP, ollamaReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))).chunkChars(40).counts(1100, 50));

    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(cardTask), env: proxyChain().env() });

    expect(r.exitCode).toBe(0);
    const errors = expectEscalationWalkthrough(r.events);
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({
      tokensByTier: { fast: { prompt: 1750, completion: 120, total: 1870 }, deep: { prompt: 1100, completion: 50, total: 1150 }, reviewer: { prompt: 0, completion: 0, total: 0 } },
    });
    const chats = chatsSince(from);
    expect(chats.map((c) => [c.body.model, c.body.options.num_ctx, c.body.keep_alive])).toEqual([
      [FAST, 16384, "30m"],
      [FAST, 16384, "30m"],
      [DEEP, 32768, "30m"],
    ]);
    const deepPrompt = chats[2]!.body.messages.at(-1).content as string;
    for (const e of errors) expect(deepPrompt).toContain(e);
    expect(await ws.read(CARD)).toBe(CARD_TSX);
  }, 120_000);

  test("the reviewer tier reaches Ollama with num_ctx 16384 and keep_alive 30m", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: PASSING_CHECK,
      files: { "smol-coder.config.json": JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 3 } }) },
    });
    const from = proxyChain().ollama.requests.length;
    proxyChain().ollama.enqueue(FAST, ollamaReply.text("I cannot do that."));
    proxyChain().ollama.enqueue(DEEP, ollamaReply.text("Nor can I."));
    proxyChain().ollama.enqueue(REVIEWER, ollamaReply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n"))).counts(300, 20));
    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify({ description: "create notes.txt", filesOwned: ["notes.txt"] }), env: proxyChain().env() });
    expect(r.exitCode).toBe(0);
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ finalTier: "reviewer", tokensByTier: { reviewer: { prompt: 300, completion: 20, total: 320 } } });
    expect(chatsSince(from).map((c) => [c.body.model, c.body.options.num_ctx, c.body.keep_alive])).toEqual([
      [FAST, 16384, "30m"],
      [DEEP, 32768, "30m"],
      [REVIEWER, 16384, "30m"],
    ]);
  }, 60_000);
});
