// The phases a batch reports for its status lines, in this process: an in-memory model behind a
// one-slot tier, scripted checks on a real temp workspace, the local workspace gate.
import { expect, test } from "bun:test";
import type { ResolvedConfig } from "../../src/core/config.ts";
import { DEFAULT_CONTEXT, DEFAULT_LIMITS, DEFAULT_TIERS } from "../../src/core/defaults.ts";
import { createTierLimiter } from "../../src/concurrency/tier-limiter.ts";
import { createLocalGate } from "../../src/concurrency/workspace-gate.ts";
import type { ModelClient } from "../../src/executor/model-client.ts";
import { runBatch } from "../../src/run/batch.ts";
import type { PhaseInfo } from "../../src/task/phase.ts";
import { captureLogger } from "../../testing/logs.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createScriptedRunner } from "../../testing/scripted-runner.ts";
import { createWorkspace } from "../../testing/workspace.ts";

test("three tasks on one workspace: queued for the one slot, then one verifying at a time while the others wait", async () => {
  await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "echo typecheck" } });
  const files = ["a.txt", "b.txt", "c.txt"];
  // Each reply creates the file its prompt names, whichever task gets the slot first. The first
  // reply waits until the other two tasks have queued for the slot.
  const queuedTasks = new Set<string>();
  let releaseFirst!: () => void;
  const othersQueued = new Promise<void>((r) => (releaseFirst = r));
  const client: ModelClient = {
    async complete(req) {
      await othersQueued;
      const file = files.find((f) => req.messages.at(-1)!.content.includes(f))!;
      const content = diffReply(unifiedDiff(file, null, `${file}\n`));
      return { ok: true, content, model: req.model, usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 }, durationMs: 0, finishReason: "stop" };
    },
  };

  const timeline: Array<{ task: string; info: PhaseInfo }> = [];
  let sawWaiting!: () => void;
  const someoneWaits = new Promise<void>((r) => (sawWaiting = r));
  let verifying = 0;
  let mostAtOnce = 0;
  const runner = createScriptedRunner({
    typecheck: async (ctx) => {
      if (ctx.runs === 0) return { exitCode: 0 };
      mostAtOnce = Math.max(mostAtOnce, ++verifying);
      // The first verification holds the workspace until another task, its reply in hand, waits for it.
      await someoneWaits;
      verifying--;
      return { exitCode: 0 };
    },
  });

  const ids = ["task-1--", "task-2--", "task-3--"];
  let next = 0;
  const config: ResolvedConfig = {
    tiers: DEFAULT_TIERS,
    limits: { ...DEFAULT_LIMITS, concurrency: { fast: 1, deep: 1, reviewer: 1 } },
    verify: { scripts: ["typecheck"], timeouts: {}, strict: false },
    logs: { dir: null, keep: 10 },
    git: { commit: false },
    context: DEFAULT_CONTEXT,
    source: null,
  };
  const { outcomes } = await runBatch({
    tasks: files.map((f) => ({ description: `create ${f}`, filesOwned: [f] })),
    workspace: ws.dir,
    config,
    runId: "r",
    deps: {
      client,
      limiter: createTierLimiter(config.limits.concurrency),
      gate: createLocalGate(),
      logger: captureLogger().logger,
      runner: runner.runner,
      newTaskId: () => ids[next++]!,
      onPhase: (task, info) => {
        timeline.push({ task, info });
        if (info.phase === "queued") queuedTasks.add(task);
        if (queuedTasks.size === 2) releaseFirst();
        if (info.phase === "waiting" && info.attempt >= 1) sawWaiting();
      },
    },
  });

  expect(outcomes.map((o) => o.outcome.status)).toEqual(["complete", "complete", "complete"]);
  expect(mostAtOnce).toBe(1);
  const phasesOf = (task: string) => timeline.filter((t) => t.task === task).map((t) => t.info.phase);
  // With one slot, two of the three queue for it.
  const queued = timeline.filter((t) => t.info.phase === "queued");
  expect(new Set(queued.map((q) => q.task)).size).toBe(2);
  for (const task of ids) {
    const seen = phasesOf(task);
    expect(seen).toContain("calling");
    expect(seen).toContain("verifying");
    expect(seen.at(-1)).toBe("done");
    expect(seen.indexOf("calling")).toBeLessThan(seen.indexOf("verifying"));
  }
  // Some task found the workspace taken by another's verification and said so.
  expect(timeline.some((t) => t.info.phase === "waiting" && t.info.attempt === 1)).toBe(true);
  for (const f of files) expect(await ws.read(f)).toBe(`${f}\n`);
});
