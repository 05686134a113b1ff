// Context windows in the task loop, on real files from published packages: a 96,576-character
// source that only the deep tier's window holds whole, a 144,911-character test file that no
// window holds (shown as an outline and excerpts), and windows too small for any prompt. The
// real-file tests count 100k+ characters several times over, so they get 30 s, not the default 5.
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_TIERS } from "../../src/core/defaults.ts";
import { fitPrompt, outlineCache } from "../../src/executor/budget.ts";
import { outlineOf } from "../../src/source/outline.ts";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { editShownLine, editUnseenLine, shows } from "../../testing/excerpt-reply.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { eventsNamed, runLoop, theEvent } from "../../testing/task-loop.ts";
import { TEST_TOKENS } from "../../testing/tokens.ts";

const NODE_MODULES = path.resolve(import.meta.dir, "../../node_modules");
const read = (rel: string) => readFile(path.join(NODE_MODULES, rel), "utf8");

describe("fit before refusing", () => {
  test("a 96,576-character file too big for fast's window starts at deep, whole, and completes", async () => {
    const FILE = "src/completions.ts";
    const before = await read("openai/src/resources/chat/completions/completions.ts");
    expect(before.length).toBe(96_576);
    const after = before.replace("   * const chatCompletion = await client.chat.completions.create(", "   * const completion = await client.chat.completions.create(");
    const model = createMemoryModel();
    model.enqueue("deep-coder", memoryReply.text(diffReply(unifiedDiff(FILE, before, after))));
    await using run = await runLoop({ task: { description: "In the doc comment of Completions.create, name the example's result `completion`.", filesOwned: [FILE] }, files: { [FILE]: before }, model });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 1, finalTier: "deep" });
    const selected = theEvent(run.events, "tier_selected");
    expect(selected.tier).toBe("deep");
    // Fast could show the file only in part; deep holds it whole, and the reason gives both sizes.
    const why = /^default; the files do not fit the fast tier's window whole \(12288 left for the prompt; shown in part, (\d+) tokens\), deep's holds it whole \((\d+) tokens\)$/.exec(selected.reason);
    expect(why).not.toBeNull();
    expect(Number(why![1])).toBeLessThanOrEqual(12_288);
    expect(Number(why![2])).toBe(selected.promptTokens);
    const start = theEvent(run.events, "model_call_start");
    const counter = await TEST_TOKENS.load("qwen2.5");
    const [system, user] = run.model.requests[0]!.messages;
    expect(start).toMatchObject({ tier: "deep", tokenizer: "qwen2.5", promptTokens: counter.chat([system!, user!]) });
    // The tier was chosen for the prompt without its context (here the project facts), which then
    // filled the room deep's window left: take it out again and the count is the one chosen on.
    expect(start.tokensByPart).toMatchObject({ readOnly: 0, imports: 0, feedback: 0 });
    expect(start.tokensByPart.facts).toBeGreaterThan(0);
    const withoutContext = user!.content.replace(/\n\n## Project facts\n.*?(?=\n\n## )/s, "");
    expect(withoutContext.length).toBeLessThan(user!.content.length);
    expect(counter.chat([system!, { ...user!, content: withoutContext }])).toBe(selected.promptTokens);
    expect(start.promptTokens).toBeGreaterThan(12_288);
    expect(start.promptTokens).toBeLessThanOrEqual(32_768 - 4096);
    expect(eventsNamed(run.events, "prompt_excerpted")).toEqual([]);
    expect(run.model.prompt(0)).toContain(before);
    expect(await run.ws.read(FILE)).toBe(after);
  }, 30_000);

  test("escalation skips a tier whose window cannot hold the prompt, and says so", async () => {
    const description = `Add a line to notes.txt. ${"Keep every rule of the style guide in mind. ".repeat(250)}`;
    const tiers = { ...DEFAULT_TIERS, deep: { ...DEFAULT_TIERS.deep, contextWindow: 2048, maxTokens: 1024 } };
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text("no"), memoryReply.text("no"));
    model.enqueue("reviewer", memoryReply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n"))));
    await using run = await runLoop({ task: { description, filesOwned: ["notes.txt"] }, model, limits: { deepStartChars: 100_000 }, deps: { tiers } });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 3, finalTier: "reviewer", attemptsByTier: { fast: 2, deep: 0, reviewer: 1 } });
    const skipped = theEvent(run.events, "tier_skipped");
    expect(skipped).toMatchObject({ tier: "deep", available: 1024 });
    expect(skipped.promptTokens).toBeGreaterThan(1024);
    expect(skipped.reason).toContain("does not fit the deep tier's window (1024 left for the prompt)");
    expect(theEvent(run.events, "escalation")).toMatchObject({ fromTier: "fast", toTier: "reviewer", reason: "2 failures at fast tier" });
    expect(run.model.requests.map((r) => r.model)).toEqual(["fast-coder", "fast-coder", "reviewer"]);
  });

  test("a retry whose feedback outgrows its tier's window moves up, and says why", async () => {
    const task = { description: "Create notes.txt with a greeting.", filesOwned: ["notes.txt"] };
    // fast's window holds the first prompt with 40 tokens to spare: the retry's errors do not fit.
    const first = await fitPrompt({ task, files: new Map([["notes.txt", null]]), previous: null }, DEFAULT_TIERS.fast, await TEST_TOKENS.load("qwen2.5"), outlineCache(outlineOf));
    const tiers = { ...DEFAULT_TIERS, fast: { ...DEFAULT_TIERS.fast, contextWindow: first.tokens + 40 + 1024, maxTokens: 1024 } };
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text("I am not sure."));
    model.enqueue("deep-coder", memoryReply.text(diffReply(unifiedDiff("notes.txt", null, "hello\n"))));
    await using run = await runLoop({ task, model, deps: { tiers } });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2, finalTier: "deep", attemptsByTier: { fast: 1, deep: 1, reviewer: 0 } });
    expect(theEvent(run.events, "tier_skipped")).toMatchObject({ tier: "fast", available: first.tokens + 40 });
    expect(theEvent(run.events, "escalation")).toMatchObject({ fromTier: "fast", toTier: "deep", reason: "the prompt no longer fits the fast tier's window" });
  });

  test("with no tier above that holds it, the task aborts after the attempts it could make", async () => {
    const description = `Add a line to notes.txt. ${"Keep every rule of the style guide in mind. ".repeat(250)}`;
    const small = { contextWindow: 2048, maxTokens: 1024 };
    const tiers = { ...DEFAULT_TIERS, deep: { ...DEFAULT_TIERS.deep, ...small }, reviewer: { ...DEFAULT_TIERS.reviewer, ...small } };
    await using run = await runLoop({ task: { description, filesOwned: ["notes.txt"] }, limits: { deepStartChars: 100_000 }, deps: { tiers } });
    expect(run.outcome).toMatchObject({ status: "aborted", attempts: 2, reason: "no tier above fast has a window that holds the prompt" });
    expect(eventsNamed(run.events, "tier_skipped").map((e) => e.tier)).toEqual(["deep", "reviewer"]);
  });
});

describe("a file no window holds: outline and excerpts", async () => {
  const FILE = "src/to-json-schema.test.ts";
  const before = await read("zod/src/v4/classic/tests/to-json-schema.test.ts");
  const TEST = "includes with position emits a pattern matching runtime semantics";
  const LOOP = 'for (const input of ["xxfoo", "xxxfoo", "xfoo", "ab"]) {';
  const task = { description: `In ${FILE}, make the test "${TEST}" also check the input "xxxxfoo".`, filesOwned: [FILE] };
  const addInput = (line: string) => line.replace('"xxxfoo", ', '"xxxfoo", "xxxxfoo", ');
  const expected = before.replace(LOOP, addInput(LOOP));

  test("a one-line change to a 144,911-character test file completes at fast, from what the prompt showed", async () => {
    expect(before.length).toBe(144_911);
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.from((req) => memoryReply.text(editShownLine(req.messages.at(-1)!.content, FILE, LOOP, addInput))));
    await using run = await runLoop({ task, files: { [FILE]: before }, model });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 1, finalTier: "fast" });
    expect(await run.ws.read(FILE)).toBe(expected);
    const prompt = run.model.prompt(0);
    expect(prompt).toContain(`### ${FILE} (4733 lines, shown in part)`);
    expect(prompt).toMatch(/\[lines \d+-\d+ are not shown\]/);
    expect(prompt).toContain('test("includes with position emits a pattern matching runtime semantics", () => {');
    expect(prompt).not.toContain("you may instead give the complete new file content");
    const excerpted = theEvent(run.events, "prompt_excerpted");
    expect(excerpted.files).toEqual([expect.objectContaining({ file: FILE, lines: 4733 })]);
    expect(excerpted.files[0]!.shownLines).toBeLessThan(1000);
    expect(theEvent(run.events, "model_call_start").promptTokens).toBeLessThanOrEqual(12_288);
    expect(theEvent(run.events, "tier_selected").reason).toContain("shown as an outline and excerpts");
  }, 30_000);

  test("an edit to a line the model was not shown is refused, and the retry shows that line", async () => {
    const lines = before.split("\n");
    const unseen = lines.findIndex((l) => l.includes('test("nullable openapi-3.0"')) + 1;
    const model = createMemoryModel();
    model.enqueue(
      "fast-coder",
      memoryReply.text(editUnseenLine(FILE, before, unseen, (l) => l.replace("nullable", "nullable schemas"))),
      memoryReply.from((req) => memoryReply.text(editShownLine(req.messages.at(-1)!.content, FILE, 'test("nullable openapi-3.0"', (l) => l.replace("nullable", "nullable schemas")))),
    );
    await using run = await runLoop({ task, files: { [FILE]: before }, model });

    expect(shows(run.model.prompt(0), FILE, unseen)).toBe(false);
    const rejected = theEvent(run.events, "patch_rejected");
    expect(rejected.reason).toBe("not_shown");
    expect(rejected.detail).toContain(`Your edit changes line ${unseen} of ${FILE}, which you were not shown`);
    expect(shows(run.model.prompt(1), FILE, unseen)).toBe(true);
    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2 });
    expect(await run.ws.read(FILE)).toBe(before.replace('test("nullable openapi-3.0"', 'test("nullable schemas openapi-3.0"'));
  }, 30_000);
});
