// The task loop in this process: an in-memory model, scripted checks, a real temp workspace.
// Policy, escalation, feedback, restore and the events are asserted here, where each run takes
// milliseconds; test/e2e runs the same walkthroughs through the real CLI and real checks.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_TIERS } from "../../src/core/defaults.ts";
import { EVENT_LEVEL, type SmolEvent } from "../../src/core/events.ts";
import { CARD_TSX, CARD_WITH_TYPE_ERRORS, diffReply, FIRST_TRY_TASK_EVENTS, unifiedDiff } from "../../testing/replies.ts";
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

/** The debug lines meant for the log file (EVENT_LEVEL "debug"). */
const DEBUG_EVENTS = new Set(Object.entries(EVENT_LEVEL).flatMap(([name, level]) => (level === "debug" ? [name] : [])));

describe("one attempt", () => {
  test("the Card task completes at fast: events in order, tokens as reported, the file written", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX)), { prompt: 812, completion: 35 }));
    await using run = await runLoop({ task: cardTask, model });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 1, finalTier: "fast", files: [CARD] });
    // The baseline runs alongside the first call, so where its event lands among the call's
    // varies; it always comes before the edit is applied and judged.
    const seen = names(run.events).filter((n) => !DEBUG_EVENTS.has(n));
    expect(seen.filter((n) => n !== "verification_baseline")).toEqual(["tier_selected", ...FIRST_TRY_TASK_EVENTS]);
    expect(seen.indexOf("verification_baseline")).toBeGreaterThan(seen.indexOf("task_created"));
    expect(seen.indexOf("verification_baseline")).toBeLessThan(seen.indexOf("patch_applied"));
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
    // Marked as a dry run, so task_complete is not taken for files kept.
    expect(run.outcome).toMatchObject({ dryRun: true, files: [CARD] });
    expect(theEvent(run.events, "task_complete")).toMatchObject({ dryRun: true, files: [CARD] });
  });

  test("the log file's debug lines: the model's reply and each check's result", async () => {
    const model = createMemoryModel();
    const text = diffReply(unifiedDiff(CARD, null, CARD_TSX));
    model.enqueue("fast-coder", memoryReply.text(text));
    await using run = await runLoop({ task: cardTask, model, scripts: { typecheck: () => ({ exitCode: 0, output: "tsc: all good\n" }) } });
    expect(theEvent(run.events, "model_reply")).toMatchObject({ tier: "fast", model: "fast-coder", attempt: 1, content: text });
    const checks = eventsNamed(run.events, "check_result");
    expect(checks.map((c) => [c.attempt, c.check, c.ok])).toEqual([
      [0, "typecheck", true],
      [1, "typecheck", true],
    ]);
    expect(checks[1]!.output).toContain("tsc: all good");
  });

  test("the first call goes out while the baseline is still running", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_TSX))));
    let finishBaseline!: () => void;
    const baselineHeld = new Promise<void>((r) => (finishBaseline = r));
    const typecheck = async (ctx: ScriptContext) => {
      if (ctx.runs === 0) {
        // The baseline ends only once the model has been asked: a loop that waited for the
        // baseline before calling would never get here.
        await until(() => model.requests.length === 1);
        finishBaseline();
      }
      return { exitCode: 0 };
    };
    await using run = await runLoop({ task: cardTask, model, scripts: { typecheck } });
    await baselineHeld;
    expect(run.outcome.status).toBe("complete");
    expect(run.checks.calls).toEqual(["typecheck", "typecheck"]);
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
    // Marked: the files are not as they were, and task_abort says which ones.
    expect(run.outcome).toMatchObject({ keptFiles: [CARD] });
    expect(theEvent(run.events, "task_abort")).toMatchObject({ reason: "attempts exhausted", keptFailed: true, keptFiles: [CARD] });
  });

  test("an abort without --keep-failed says nothing was kept", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, CARD_WITH_TYPE_ERRORS))));
    await using run = await runLoop({ task: cardTask, model, limits: { attemptsPerTier: 1, maxTotalAttempts: 1 }, scripts: { typecheck: cardTypeErrors } });
    expect(theEvent(run.events, "task_abort")).toMatchObject({ keptFailed: false, keptFiles: [] });
    expect(await run.ws.read(CARD)).toBeNull();
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
    // The log says why the first call failed, between its start and the next one.
    expect(names(run.events).filter((n) => n.startsWith("model_call"))).toEqual(["model_call_start", "model_call_failed", "model_call_start", "model_call_complete"]);
    expect(theEvent(run.events, "model_call_failed")).toMatchObject({ tier: "fast", attempt: 1, reason: "timeout", status: null, message: "no complete reply within 300000 ms", tokens: 0 });
  });

  test("a reply cut off at max_tokens between its two files lands neither; the model is told it was cut off", async () => {
    const a = "export const a = 1\n";
    const b = "export const b = 2\n";
    // The reply ran out of tokens after the first file's diff: the second never came.
    const cut = diffReply(unifiedDiff("a.ts", a, "export const a = 10\n")).replace(/```\n\nThis keeps[\s\S]*$/, "");
    const whole = diffReply(unifiedDiff("a.ts", a, "export const a = 10\n"), unifiedDiff("b.ts", b, "export const b = 20\n"));
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.cutOff(cut, { prompt: 400, completion: 4096 }), memoryReply.text(whole, { prompt: 500, completion: 80 }));
    const seen: Array<string | null> = [];
    await using run = await runLoop({
      task: { description: "bump a and b", filesOwned: ["a.ts", "b.ts"] },
      files: { "a.ts": a, "b.ts": b },
      scripts: {
        typecheck: async (ctx) => {
          seen.push(await ctx.read("a.ts"));
          return { exitCode: 0 };
        },
      },
      model,
    });
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2 });
    // Baseline and the second attempt only: the cut-off reply never reached the files.
    expect(seen).toEqual([a, "export const a = 10\n"]);
    expect(eventsNamed(run.events, "patch_applied")).toHaveLength(1);
    expect(eventsNamed(run.events, "patch_rejected")).toHaveLength(0);
    expect(theEvent(run.events, "model_call_failed")).toMatchObject({ reason: "cut_off", tokens: 4496 });
    expect(theEvent(run.events, "model_call_failed").message).toContain("cut off at max_tokens (4096 tokens)");
    expect(run.model.prompt(1)).toContain("reply cut off: the reply was cut off at max_tokens (4096 tokens)");
    expect(run.model.prompt(1)).toContain("Answer with less this time");
    // The cut-off call's tokens were spent, and count.
    expect(theEvent(run.events, "task_complete").tokens).toEqual({ prompt: 900, completion: 4176, total: 5076 });
  });

  test("a reply whose stream ended without a finish_reason is not applied either", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", { kind: "text", content: diffReply(unifiedDiff(CARD, null, CARD_TSX)), finishReason: null });
    await using run = await runLoop({ task: cardTask, model, limits: { maxTotalAttempts: 1 } });
    expect(run.outcome).toMatchObject({ status: "aborted" });
    expect(theEvent(run.events, "model_call_failed")).toMatchObject({ reason: "cut_off" });
    expect(eventsNamed(run.events, "patch_applied")).toHaveLength(0);
    expect(await run.ws.read(CARD)).toBeNull();
  });

  for (const reason of ["unreachable", "auth", "unknown_model", "ollama_unreachable", "model_not_pulled", "protocol"] as const) {
    test(`${reason} ends the task as unavailable at once, files untouched`, async () => {
      const model = createMemoryModel();
      model.enqueue("fast-coder", memoryReply.fail(reason, `the ${reason} message`));
      await using run = await runLoop({ task: cardTask, model });
      expect(run.outcome).toMatchObject({ status: "unavailable", reason, message: `the ${reason} message`, model: "fast-coder" });
      expect(theEvent(run.events, "task_abort")).toMatchObject({ reason: `model_${reason}`, lastErrors: [`the ${reason} message`] });
      expect(theEvent(run.events, "model_call_failed")).toMatchObject({ reason, message: `the ${reason} message` });
      expect(run.model.requests).toHaveLength(1);
      expect(await run.ws.read(CARD)).toBeNull();
    });
  }

  test("a server that is not there ends the task before the baseline runs", async () => {
    const model = createMemoryModel();
    const retries: number[] = [];
    const down = { ok: false as const, reason: "unreachable" as const, message: "cannot connect to http://127.0.0.1:9/v1 (ConnectionRefused)", status: null, durationMs: 3 };
    const probed = Object.assign(model, {
      reachable: async (o?: { onRetry?: (i: { retry: number; waitMs: number; status: null; reason: string }) => void }) => {
        o?.onRetry?.({ retry: 1, waitMs: 10, status: null, reason: down.message });
        retries.push(1);
        return down;
      },
    });
    await using run = await runLoop({ task: cardTask, model: probed });
    expect(run.outcome).toMatchObject({ status: "unavailable", reason: "unreachable", attempts: 0 });
    expect(theEvent(run.events, "task_abort")).toMatchObject({ reason: "model_unreachable", lastErrors: [down.message] });
    expect(theEvent(run.events, "model_call_retry")).toMatchObject({ tier: "fast", attempt: 1, retry: 1 });
    expect(run.checks.calls).toEqual([]);
    expect(eventsNamed(run.events, "verification_baseline")).toHaveLength(0);
    expect(run.model.requests).toHaveLength(0);
  });

  test("a call that ends the task stops the baseline that runs alongside it", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.fail("auth", "key refused"));
    let stopped = false;
    const typecheck = async (ctx: ScriptContext) => {
      await new Promise<void>((resolve) => ctx.signal?.addEventListener("abort", () => resolve(), { once: true }));
      stopped = true;
      return { reason: "aborted" as const };
    };
    await using run = await runLoop({ task: cardTask, model, scripts: { typecheck } });
    expect(run.outcome).toMatchObject({ status: "unavailable", reason: "auth" });
    expect(stopped).toBe(true);
    expect(eventsNamed(run.events, "verification_baseline")).toHaveLength(0);
  });

  test("a prompt no tier's window holds is refused before the baseline and any call, with every tier's numbers", async () => {
    // 30 lines of 600 characters: too short a file to show in part, too big for a 4096-token window.
    const big = `export const words = [${"'a fairly long line of TypeScript', ".repeat(16)}];\n`.repeat(30);
    const small = { contextWindow: 4096, maxTokens: 1024 };
    const tiers = { fast: { ...DEFAULT_TIERS.fast, ...small }, deep: { ...DEFAULT_TIERS.deep, ...small }, reviewer: { ...DEFAULT_TIERS.reviewer, ...small } };
    await using run = await runLoop({ task: { description: "edit big.ts", filesOwned: ["big.ts"] }, files: { "big.ts": big }, deps: { tiers } });
    expect(run.outcome.status).toBe("too_large");
    const message = run.outcome.status === "too_large" ? run.outcome.message : "";
    expect(message).toMatch(/fast: \d+ tokens, but its context window is 4096 tokens with 1024 kept for the reply \(3072 left for the prompt\)/);
    expect(message).toContain("deep: ");
    expect(message).toContain("num_ctx");
    expect(theEvent(run.events, "task_abort").reason).toBe("prompt_too_large");
    expect(run.model.requests).toHaveLength(0);
    expect(run.checks.calls).toEqual([]);
  });
});

describe("interruption", () => {
  test("a signal during verification restores the files and ends the task as interrupted", async () => {
    const controller = new AbortController();
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff("app.txt", "original\n", "changed\n"), unifiedDiff("new.txt", null, "new\n")), { prompt: 700, completion: 40 }));
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
    // The attempt in flight counts, and so do the tokens of the reply that was being verified.
    const spent = { prompt: 700, completion: 40, total: 740 };
    expect(run.outcome).toMatchObject({ status: "interrupted", attempts: 1, attemptsByTier: { fast: 1, deep: 0, reviewer: 0 }, tokens: spent });
    expect(theEvent(run.events, "task_abort")).toMatchObject({ reason: "interrupted", lastErrors: [], totalAttempts: 1, tokens: spent });
    expect(await run.ws.read("app.txt")).toBe("original\n");
    expect(await run.ws.read("new.txt")).toBeNull();
  });

  test("a signal during the model call counts that attempt, with no tokens (no reply came)", async () => {
    const controller = new AbortController();
    const model = createMemoryModel();
    const complete = model.complete.bind(model);
    model.complete = async (request) => {
      controller.abort();
      await complete(request);
      return { ok: false, reason: "aborted", message: "aborted", status: null, durationMs: 0 };
    };
    await using run = await runLoop({ task: { description: "change app", filesOwned: ["app.txt"] }, files: { "app.txt": "original\n" }, model, deps: { signal: controller.signal } });
    expect(run.outcome).toMatchObject({ status: "interrupted", attempts: 1, tokens: { prompt: 0, completion: 0, total: 0 } });
    expect(await run.ws.read("app.txt")).toBe("original\n");
  });

  test("a signal while the baseline and the first call both run stops both and ends as interrupted", async () => {
    const controller = new AbortController();
    let baselineStopped = false;
    const model = createMemoryModel();
    // The call answers only when its signal fires, as a real model call would end on Ctrl-C.
    const held = Object.assign(model, {
      complete: async (req: Parameters<typeof model.complete>[0]) => {
        model.requests.push(req);
        await new Promise<void>((r) => req.signal?.addEventListener("abort", () => r(), { once: true }));
        return { ok: false as const, reason: "aborted" as const, message: "the call was interrupted", status: null, durationMs: 0 };
      },
    });
    await using run = await runLoop({
      task: cardTask,
      model: held,
      deps: { signal: controller.signal },
      scripts: {
        typecheck: async (ctx) => {
          await until(() => model.requests.length === 1);
          controller.abort();
          await new Promise<void>((r) => (ctx.signal?.aborted ? r() : ctx.signal?.addEventListener("abort", () => r(), { once: true })));
          baselineStopped = true;
          return { reason: "aborted" };
        },
      },
    });
    expect(run.outcome.status).toBe("interrupted");
    expect(baselineStopped).toBe(true);
    expect(eventsNamed(run.events, "task_abort").map((e) => e.reason)).toEqual(["interrupted"]);
    expect(eventsNamed(run.events, "verification_baseline")).toHaveLength(0);
  });
});

describe("an edit that empties a file", () => {
  const notes = "# Notes\n\n- buy milk\n";
  const emptyBlock = memoryReply.text("```md notes.md\n```\n");

  test("is refused when the task does not ask for it, with a reason the model can act on, and the file stays", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", emptyBlock);
    await using run = await runLoop({
      task: { description: "tidy up notes.md", filesOwned: ["notes.md"] },
      files: { "notes.md": notes },
      model,
      limits: { attemptsPerTier: 1, maxTotalAttempts: 1 },
    });
    expect(run.outcome.status).toBe("aborted");
    const rejected = theEvent(run.events, "patch_rejected");
    expect(rejected.reason).toBe("empties_file");
    expect(rejected.detail).toContain("would empty notes.md, which has 3 lines now");
    expect(await run.ws.read("notes.md")).toBe(notes);
  });

  test("is applied when the description names the file and asks to empty it", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", emptyBlock);
    await using run = await runLoop({ task: { description: "Empty notes.md: the notes moved to the wiki", filesOwned: ["notes.md"] }, files: { "notes.md": notes }, model });
    expect(run.outcome.status).toBe("complete");
    expect(await run.ws.read("notes.md")).toBe("");
  });
});

/** Resolves once `cond` holds, checking after each turn of the event loop. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}
