// Replies the way small models really write them, through the whole task loop in-process: each
// must land at the first attempt. Then the executor alone, with stand-in collaborators.
import { describe, expect, test } from "bun:test";
import { executeAttempt } from "../../src/executor/attempt.ts";
import type { ModelClient } from "../../src/executor/model-client.ts";
import type { TierLimiter } from "../../src/concurrency/types.ts";
import { silentLogger } from "../../src/core/telemetry.ts";
import { TaskSchema } from "../../src/core/types.ts";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { runLoop, theEvent } from "../../testing/task-loop.ts";
import { CARD_TSX } from "../../testing/replies.ts";

describe("replies the way small models write them land at the first attempt", () => {
  const APP = "import { useState } from 'react'\n\nfunction App() {\n  const [count, setCount] = useState(0)\n\n  return (\n    <main>\n      <h1>smol fixture</h1>\n      <button onClick={() => setCount(count + 1)}>{count}</button>\n    </main>\n  )\n}\n\nexport default App\n";

  test("a perturbed diff (no line numbers, no a/ b/ prefixes, stripped blank context)", async () => {
    // What a 7B model tends to write: bare @@, paths without prefixes, the blank line inside the
    // hunk with its leading space dropped, and prose around the fence.
    const sloppy = [
      "Sure! I changed the heading and the starting count:",
      "",
      "```diff",
      "--- src/App.tsx",
      "+++ src/App.tsx",
      "@@",
      " function App() {",
      "-  const [count, setCount] = useState(0)",
      "+  const [count, setCount] = useState(10)",
      "",
      "   return (",
      "     <main>",
      "-      <h1>smol fixture</h1>",
      "+      <h1>smol counter</h1>",
      "```",
      "",
      "Let me know if you need anything else.",
    ].join("\n");
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(sloppy));
    await using run = await runLoop({
      task: { description: "Start the count at 10 and rename the heading", filesOwned: ["src/App.tsx"] },
      files: { "src/App.tsx": APP },
      model,
    });
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 1 });
    expect(theEvent(run.events, "patch_applied")).toMatchObject({ strategy: "tolerant", attempt: 1 });
    expect(await run.ws.read("src/App.tsx")).toBe(APP.replace("useState(0)", "useState(10)").replace("smol fixture", "smol counter"));
  });

  test("a whole-file reply for a new file", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(`Here is the component.\n\n\`\`\`tsx src/components/Card.tsx\n${CARD_TSX}\`\`\`\n`));
    await using run = await runLoop({ task: { description: "Create a Card component", filesOwned: ["src/components/Card.tsx"] }, model });
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 1 });
    expect(theEvent(run.events, "patch_applied")).toMatchObject({ strategy: "whole-file", attempt: 1 });
    expect(await run.ws.read("src/components/Card.tsx")).toBe(CARD_TSX);
  });
});

describe("getting the model client ready while queued", () => {
  // A limiter that reports the given queue positions, then runs the call.
  function queuedAt(positions: number[], limit: number): TierLimiter {
    return {
      async run(_tier, fn, observer) {
        for (const position of positions) observer?.onQueued?.({ position, holders: limit, limit });
        return fn();
      },
    };
  }

  async function prepareCalls(positions: number[]): Promise<string[]> {
    const calls: string[] = [];
    const client: ModelClient = {
      prepare: () => calls.push("prepare"),
      async complete() {
        calls.push("complete");
        return { ok: false, reason: "server_error", message: "scripted", status: 500, durationMs: 0 };
      },
    };
    const task = TaskSchema.parse({ description: "create a.txt", filesOwned: ["a.txt"] });
    const messages = [{ role: "user" as const, content: "create a.txt" }];
    const files = new Map([["a.txt", null]]);
    const tokensByPart = { owned: 5, readOnly: 0, imports: 0, facts: 0, feedback: 0 };
    const input = { task, files, wholeFileMaxLines: 300 };
    const prompt = { ok: true as const, messages, tokens: 10, available: 12_288, tokenizer: "qwen2.5" as const, excerpts: [], systemTokens: 0, tokensByPart, input };
    const outcome = await executeAttempt(
      { task, attempt: 1, tier: "fast", files, prompt, sentBefore: null, maxPatchLines: 300 },
      { client, limiter: queuedAt(positions, 4), logger: silentLogger() },
    );
    expect(outcome.kind).toBe("model_failed");
    return calls;
  }

  test("a task within one round of its turn prepares the client once per report, before its call", async () => {
    expect(await prepareCalls([4])).toEqual(["prepare", "complete"]);
    expect(await prepareCalls([9, 5, 4, 1])).toEqual(["prepare", "prepare", "complete"]);
  });

  test("a task further back, or one that never queues, leaves it to the call", async () => {
    expect(await prepareCalls([5, 12])).toEqual(["complete"]);
    expect(await prepareCalls([])).toEqual(["complete"]);
  });
});
