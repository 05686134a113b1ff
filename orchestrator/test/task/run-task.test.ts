// The task loop in this process: an in-memory model, scripted checks, a real temp workspace.
// Policy, escalation, feedback, restore and the events are asserted here, where each run takes
// milliseconds; test/e2e runs the same walkthroughs through the real CLI and real checks.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_TIERS } from "../../src/core/defaults.ts";
import type { SmolEvent } from "../../src/core/events.ts";
import { CARD_TSX, CARD_WITH_TYPE_ERRORS, diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { failsWhile, passes, type ScriptContext } from "../../testing/scripted-runner.ts";
import { eventsNamed, runLoop, theEvent } from "../../testing/task-loop.ts";

const CARD = "src/components/Card.tsx";
const APP = "src/App.tsx";
const cardTask = { description: "Create a Card component in src/components/Card.tsx", filesOwned: [CARD] };

/** tsc's plain output for every line of `file` that matches `bad`, at its real line number. */
function tscErrors(file: string, bad: RegExp, message: string) {
  return async (ctx: ScriptContext) => {
    const text = await ctx.read(file);
    if (text === null) return { exitCode: 0 };
    const lines = text.split("\n").flatMap((l, i) => (bad.test(l) ? [`${file}(${i + 1},9): error TS2322: ${message}`] : []));
    return lines.length === 0 ? { exitCode: 0 } : { exitCode: 2, output: `${lines.join("\n")}\n` };
  };
}
const cardTypeErrors = tscErrors(CARD, /: number = '/, "Type 'string' is not assignable to type 'number'.");

function names(events: readonly SmolEvent[]): string[] {
  return events.map((e) => e.event);
}

describe("one attempt", () => {
  test("the Card task completes at fast: events in order, tokens as reported, the file written", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX)), { prompt: 812, completion: 35 }));
    await using run = await runLoop({ task: cardTask, model });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 1, finalTier: "fast", files: [CARD] });
    expect(names(run.events)).toEqual([
      "tier_selected",
      "task_created",
      "verification_baseline",
      "model_call_start",
      "model_prompt",
      "model_call_complete",
      "patch_applied",
      "verification_start",
      "verification_pass",
      "task_complete",
    ]);
    expect(theEvent(run.events, "model_call_complete")).toMatchObject({ tokens: 847, promptTokens: 812, completionTokens: 35 });
    expect(theEvent(run.events, "patch_applied")).toMatchObject({ linesChanged: CARD_TSX.split("\n").length - 1, files: [CARD] });
    expect(theEvent(run.events, "task_complete")).toMatchObject({ totalAttempts: 1, finalTier: "fast", tokens: { prompt: 812, completion: 35, total: 847 }, verified: true });
    expect(await run.ws.read(CARD)).toBe(CARD_TSX);
    expect(run.model.prompt(0)).toContain("(new file");
    // Baseline, then the attempt: each check ran twice.
    expect(run.checks.calls).toEqual(["typecheck", "lint", "build", "typecheck", "lint", "build"]);
  });

  test("--dry-run: the loop runs to a pass, the files go back, the outcome keeps the diff", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    await using run = await runLoop({ task: cardTask, model, options: { dryRun: true } });
    expect(run.outcome.status).toBe("complete");
    expect(run.outcome.status === "complete" && run.outcome.diff).toContain("+export default function Card");
    expect(await run.ws.read(CARD)).toBeNull();
  });
});

describe("escalation and feedback", () => {
  test("two type errors at fast: deep sees them, with the attempted code, and passes", async () => {
    const model = createMemoryModel();
    const bad = memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_WITH_TYPE_ERRORS)));
    model.enqueue("fast-coder", bad, bad);
    model.enqueue("deep-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    await using run = await runLoop({ task: cardTask, model, scripts: { typecheck: cardTypeErrors } });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 3, finalTier: "deep", attemptsByTier: { fast: 2, deep: 1, reviewer: 0 } });
    const fails = eventsNamed(run.events, "verification_fail");
    expect(fails.map((f) => f.errorCount)).toEqual([2, 2]);
    expect(fails[0]!.errors.every((e) => /^src\/components\/Card\.tsx\(\d+,\d+\): error TS2322: /.test(e))).toBe(true);
    expect(fails[0]!.failedChecks).toEqual(["typecheck"]);
    expect(theEvent(run.events, "escalation")).toMatchObject({ fromTier: "fast", toTier: "deep", reason: "2 failures at fast tier" });
    expect(run.model.requests.map((r) => r.model)).toEqual(["fast-coder", "fast-coder", "deep-coder"]);
    const deepPrompt = run.model.prompt(2);
    for (const e of fails[1]!.errors) expect(deepPrompt).toContain(e);
    // The attempt was undone, so the prompt shows the lines it blamed.
    expect(deepPrompt).toMatch(/ > +\d+ \|   const width: number = 'wide'/);
    expect(deepPrompt).toContain("Your previous attempt failed");
    expect(await run.ws.read(CARD)).toBe(CARD_TSX);
  });

  test("a reply refused for its format asks for whole files next time", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text("I would add a card."), memoryReply.text(`\`\`\`tsx ${CARD}\n${CARD_TSX}\`\`\`\n`));
    await using run = await runLoop({ task: cardTask, model });
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2 });
    expect(theEvent(run.events, "patch_rejected")).toMatchObject({ reason: "no_diff", attempt: 1, tier: "fast" });
    expect(run.model.prompt(1)).toContain("give the COMPLETE new content of each file you change");
    expect(run.model.prompt(0)).not.toContain("give the COMPLETE new content");
  });
});

describe("abort", () => {
  test("after 5 failed attempts the workspace is byte-identical and the attempts are spent in the seed's order", async () => {
    const app = "import { useState } from 'react'\n\nexport function App() {\n  const [count] = useState(0)\n  return count\n}\n";
    const model = createMemoryModel();
    const breakApp = memoryReply.text(
      diffReply(unifiedDiff(APP, app, app.replace("useState(0)", "useState<number>('zero')")), unifiedDiff(CARD, null, CARD_WITH_TYPE_ERRORS)),
    );
    model.enqueue("fast-coder", breakApp, memoryReply.text("I am not sure how to do this."));
    model.enqueue("deep-coder", breakApp, breakApp);
    model.enqueue("reviewer", memoryReply.text("```diff\n--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-{\n+[\n```"));
    const appErrors = tscErrors(APP, /useState<number>\('zero'\)/, "Argument of type 'string' is not assignable to parameter of type 'number'.");
    await using run = await runLoop({
      task: { description: "Add a Card and use it in App", filesOwned: [CARD, APP] },
      files: { [APP]: app },
      model,
      scripts: { typecheck: async (ctx) => ((await appErrors(ctx)).exitCode ? appErrors(ctx) : cardTypeErrors(ctx)), lint: passes },
    });
    const before = new Map([[APP, app], [CARD, null]]);

    expect(run.outcome).toMatchObject({ status: "aborted", attempts: 5, finalTier: "reviewer", reason: "attempts exhausted", diff: null });
    expect(run.model.requests.map((r) => r.model)).toEqual(["fast-coder", "fast-coder", "deep-coder", "deep-coder", "reviewer"]);
    const abort = theEvent(run.events, "task_abort");
    expect(abort).toMatchObject({ totalAttempts: 5, finalTier: "reviewer", reason: "attempts exhausted" });
    expect(abort.lastErrors.join("\n")).toContain("package.json");
    expect(eventsNamed(run.events, "patch_rejected").map((e) => e.reason)).toEqual(["no_diff", "not_owned"]);
    expect(eventsNamed(run.events, "escalation").map((e) => `${e.fromTier}>${e.toTier}`)).toEqual(["fast>deep", "deep>reviewer"]);
    for (const [file, content] of before) expect(await run.ws.read(file)).toBe(content);
    expect(existsSync(path.join(run.ws.dir, "src/components"))).toBe(false);
  });

  test("--keep-failed leaves the last applied attempt and reports its diff", async () => {
    const model = createMemoryModel();
    const bad = memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_WITH_TYPE_ERRORS)));
    model.enqueue("fast-coder", bad);
    await using run = await runLoop({
      task: cardTask,
      model,
      limits: { attemptsPerTier: 1, maxTotalAttempts: 1 },
      scripts: { typecheck: cardTypeErrors },
      options: { keepFailed: true },
    });
    expect(run.outcome.status).toBe("aborted");
    expect(run.outcome.status === "aborted" && run.outcome.diff).toContain("const width: number = 'wide'");
    expect(await run.ws.read(CARD)).toBe(CARD_WITH_TYPE_ERRORS);
  });
});

test("with no checks at all (--no-checks), the task completes unverified and says so", async () => {
  const model = createMemoryModel();
  model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
  await using run = await runLoop({ task: cardTask, model, noChecks: true });
  expect(run.outcome).toMatchObject({ status: "complete", verified: false });
  expect(theEvent(run.events, "task_complete").verified).toBe(false);
  expect(eventsNamed(run.events, "verification_baseline")).toHaveLength(0);
  expect(run.checks.calls).toEqual([]);
});

describe("routing", () => {
  test("a description over 1000 characters starts at deep; more than 5 files too", async () => {
    const model = createMemoryModel();
    model.enqueue("deep-coder", memoryReply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n"))));
    const long = { description: `Write notes. ${"Be thorough. ".repeat(90)}`, filesOwned: ["notes.txt"] };
    await using run = await runLoop({ task: long, model });
    expect(run.outcome).toMatchObject({ status: "complete", finalTier: "deep" });
    expect(theEvent(run.events, "tier_selected").reason).toContain("characters");
    expect(theEvent(run.events, "task_created").tier).toBe("deep");

    const many = { description: "touch files", filesOwned: ["a", "b", "c", "d", "e", "f"].map((f) => `${f}.txt`) };
    await using wide = await runLoop({ task: many });
    expect(theEvent(wide.events, "tier_selected")).toMatchObject({ tier: "deep", reason: "6 files owned (more than 5)" });
  });
});

describe("a workspace that already fails", () => {
  const BROKEN = "export const label: number = 'count'\n";
  const brokenErrors = tscErrors("src/broken.ts", /: number = '/, "Type 'string' is not assignable to type 'number'.");

  test("--strict counts the old error too", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    await using run = await runLoop({
      task: cardTask,
      model,
      files: { "src/broken.ts": BROKEN },
      scripts: { typecheck: brokenErrors },
      limits: { attemptsPerTier: 1, maxTotalAttempts: 1 },
      options: { strict: true },
    });
    expect(run.outcome.status).toBe("aborted");
    expect(theEvent(run.events, "verification_fail").errors.join("\n")).toContain("src/broken.ts");
  });

  test("without --strict the old error is not blamed on the task", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    await using run = await runLoop({ task: cardTask, model, files: { "src/broken.ts": BROKEN }, scripts: { typecheck: brokenErrors } });
    expect(run.outcome.status).toBe("complete");
    expect(theEvent(run.events, "verification_baseline")).toMatchObject({ ok: false, cached: false, failedChecks: ["typecheck"], errorCount: 1 });
  });

  test("a 'fix this error' task is judged by the error going away, and the retry shows the attempted code", async () => {
    const broken = `export function label(): string {\n  const label: number = 'count'\n  return String(label)\n}\n`;
    const cosmetic = broken.replace("return String(label)", "return String(label) // why");
    const fixed = broken.replace("const label: number", "const label: string");
    const model = createMemoryModel();
    model.enqueue(
      "fast-coder",
      memoryReply.text(diffReply(unifiedDiff("src/broken.ts", broken, cosmetic))),
      memoryReply.text(diffReply(unifiedDiff("src/broken.ts", broken, fixed))),
    );
    await using run = await runLoop({
      task: { description: "Fix the type error in src/broken.ts", filesOwned: ["src/broken.ts"] },
      model,
      files: { "src/broken.ts": broken },
      scripts: { typecheck: brokenErrors },
    });
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2 });
    expect(theEvent(run.events, "verification_fail").errors[0]).toMatch(/^src\/broken\.ts\(2,9\): error TS2322/);
    expect(run.model.prompt(1)).toMatch(/ > +2 \|   const label: number = 'count'/);
    expect(await run.ws.read("src/broken.ts")).toBe(fixed);
  });
});

describe("the model failing", () => {
  test("a timeout is a failed attempt; the next one may still pass", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.fail("timeout", "no complete reply within 300000 ms"), memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    await using run = await runLoop({ task: cardTask, model });
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2 });
    expect(run.model.prompt(1)).toContain("model call failed (timeout)");
  });

  for (const reason of ["unreachable", "auth", "unknown_model"] as const) {
    test(`${reason} ends the task as unavailable at once, files untouched`, async () => {
      const model = createMemoryModel();
      model.enqueue("fast-coder", memoryReply.fail(reason, `the ${reason} message`));
      await using run = await runLoop({ task: cardTask, model });
      expect(run.outcome).toMatchObject({ status: "unavailable", reason, message: `the ${reason} message`, model: "fast-coder" });
      expect(theEvent(run.events, "task_abort")).toMatchObject({ reason: `model_${reason}`, lastErrors: [`the ${reason} message`] });
      expect(run.model.requests).toHaveLength(1);
      expect(await run.ws.read(CARD)).toBeNull();
    });
  }

  test("a prompt too large for the window is refused before any call", async () => {
    const big = "export const line = 'a fairly long line of TypeScript source code';\n".repeat(400);
    const tiers = { ...DEFAULT_TIERS, fast: { ...DEFAULT_TIERS.fast, contextWindow: 4096, maxTokens: 1024 } };
    await using run = await runLoop({ task: { description: "edit big.ts", filesOwned: ["big.ts"] }, files: { "big.ts": big }, deps: { tiers } });
    expect(run.outcome.status).toBe("too_large");
    expect(run.outcome.status === "too_large" && run.outcome.message).toContain("context window is 4096");
    expect(theEvent(run.events, "task_abort").reason).toBe("prompt_too_large");
    expect(run.model.requests).toHaveLength(0);
  });
});

describe("interruption", () => {
  test("a signal during verification restores the files and ends the task as interrupted", async () => {
    const controller = new AbortController();
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff("app.txt", "original\n", "changed\n"), unifiedDiff("new.txt", null, "new\n"))));
    await using run = await runLoop({
      task: { description: "change app", filesOwned: ["app.txt", "new.txt"] },
      files: { "app.txt": "original\n" },
      model,
      deps: { signal: controller.signal },
      scripts: {
        typecheck: async (ctx) => {
          if (ctx.runs === 0) return { exitCode: 0 };
          // The edit is in place while the check runs; then the user presses Ctrl-C.
          expect(await ctx.read("app.txt")).toBe("changed\n");
          controller.abort();
          return { reason: "aborted" };
        },
      },
    });
    expect(run.outcome).toMatchObject({ status: "interrupted", attempts: 0 });
    expect(theEvent(run.events, "task_abort")).toMatchObject({ reason: "interrupted", lastErrors: [] });
    expect(await run.ws.read("app.txt")).toBe("original\n");
    expect(await run.ws.read("new.txt")).toBeNull();
  });
});
