// What the model is shown about the rest of the workspace, read from the prompts the (in-memory)
// model received, in the task loop on the real Vite react-ts fixture (its installed React 19 and
// its own tsconfig): the imported module's fields, the read-only file in full and the refusal of
// an edit to it, the project facts, the token report, and the budget the context keeps to.
import { describe, expect, test } from "bun:test";
import { DEFAULT_TIERS } from "../../src/core/defaults.ts";
import { estimateTokens } from "../../src/executor/budget.ts";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { eventsNamed, runLoop, theEvent } from "../../testing/task-loop.ts";

const CARD = "src/components/UserCard.tsx";
const TYPES = "src/types.ts";
const APP = "src/App.tsx";
const TYPES_TS = "export interface User {\n  id: number\n  displayName: string\n  email: string\n  team: { name: string }\n}\n\nexport function initials(user: User): string {\n  return user.displayName.slice(0, 2)\n}\n";
const CARD_TSX = "import type { User } from '../types.ts'\n\nexport default function UserCard({ user }: { user: User }) {\n  return <h3>{user.displayName}</h3>\n}\n";
const CARD_AFTER = CARD_TSX.replace("  return <h3>{user.displayName}</h3>\n", "  return (\n    <div>\n      <h3>{user.displayName}</h3>\n      <p>{user.email}</p>\n    </div>\n  )\n");
const files = { [TYPES]: TYPES_TS, [CARD]: CARD_TSX };
const task = { description: "UserCard: show the user's email under the name", filesOwned: [CARD], filesRead: [APP] };

describe("the first prompt, on the real react-ts workspace", () => {
  test("shows the imported module's exported interface fields and signatures, not its bodies", async () => {
    const model = createMemoryModel();
    await using run = await runLoop({ template: "react-ts", task, files, model, limits: { maxTotalAttempts: 1 } });
    const prompt = model.prompt(0);
    expect(prompt).toContain("## What your files import");
    expect(prompt).toContain(`### ${TYPES}\n${CARD} imports '../types.ts'`);
    expect(prompt).toContain("export interface User {\n  id: number\n  displayName: string\n  email: string\n  team: { name: string }\n}");
    expect(prompt).toContain("export function initials(user: User): string;");
    expect(prompt).not.toContain("slice(0, 2)");
  });

  test("names React's major version and verbatimModuleSyntax, from the workspace", async () => {
    const model = createMemoryModel();
    await using run = await runLoop({ template: "react-ts", task, files, model, limits: { maxTotalAttempts: 1 } });
    const facts = model.prompt(0).split("## Project facts\n")[1]!.split("\n\n")[0]!;
    expect(facts).toContain("- React 19 (19.3.1 installed); its types have no global JSX namespace");
    expect(facts).toContain("- tsconfig.json: verbatimModuleSyntax: import a type with `import type { T }`");
  });

  test("shows the read-only file in full, in its own section, before the owned files", async () => {
    const model = createMemoryModel();
    await using run = await runLoop({ template: "react-ts", task, files, model, limits: { maxTotalAttempts: 1 } });
    const prompt = model.prompt(0);
    const app = (await run.ws.read(APP))!;
    expect(prompt).toContain(`## Read-only files\nShown so you can use what they hold. You may not change them`);
    expect(prompt).toContain(`### ${APP} (read-only, 16 lines)\n\`\`\`tsx\n${app}\`\`\``);
    const order = ["## Task", "## Project facts", "## Read-only files", "## What your files import", "## Files you own", "## Answer format"].map((h) => prompt.indexOf(h));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
  });
});

describe("an edit to a read-only file", () => {
  test("is refused as read-only while the owned edit lands on the next attempt; the read-only file is untouched", async () => {
    const model = createMemoryModel();
    const editsBoth = diffReply(unifiedDiff(APP, "x", "y").replace("-x", "-export default App").replace("+y", "+export { App }"), unifiedDiff(CARD, CARD_TSX, CARD_AFTER));
    model.enqueue("fast-coder", memoryReply.text(editsBoth), memoryReply.text(diffReply(unifiedDiff(CARD, CARD_TSX, CARD_AFTER))));
    await using run = await runLoop({ template: "react-ts", task, files, model });
    const app = await run.ws.read(APP);

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2, files: [CARD] });
    const refusal = theEvent(run.events, "patch_rejected");
    expect(refusal).toMatchObject({ reason: "read_only", attempt: 1 });
    expect(refusal.detail).toContain(`${APP}, a read-only file`);
    expect(model.prompt(1)).toContain(`patch rejected (read_only): `);
    expect(await run.ws.read(CARD)).toBe(CARD_AFTER);
    expect(app).toContain("export default App");
    // Every attempt's prompt carries the context: the retry still sees the types.
    expect(model.prompt(1)).toContain("  email: string");
  });
});

describe("the token report", () => {
  test("model_call_start says how many tokens went to owned files, read-only files, imports, facts and feedback", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text("no edit here"), memoryReply.text(diffReply(unifiedDiff(CARD, CARD_TSX, CARD_AFTER))));
    await using run = await runLoop({ template: "react-ts", task, files, model });
    const [first, second] = eventsNamed(run.events, "model_call_start").map((e) => e.tokensByPart);
    for (const part of ["owned", "readOnly", "imports", "facts"] as const) expect(first![part]).toBeGreaterThan(0);
    expect(first!.feedback).toBe(0);
    expect(second!.feedback).toBeGreaterThan(0);
    expect(second!.owned).toBe(first!.owned);
  });

  test("the whole prompt is logged as model_prompt at debug level, after model_call_start", async () => {
    const model = createMemoryModel();
    await using run = await runLoop({ template: "react-ts", task, files, model, limits: { maxTotalAttempts: 1 } });
    const logged = theEvent(run.events, "model_prompt") as unknown as { level: number; messages: Array<{ content: string }> };
    expect(logged.level).toBe(20);
    expect(logged.messages.at(-1)!.content).toBe(model.prompt(0));
  });
});

describe("turned off in the config", () => {
  test("context.imports and context.facts false: neither is shown, the read-only files still are", async () => {
    const model = createMemoryModel();
    await using run = await runLoop({ template: "react-ts", task, files, model, limits: { maxTotalAttempts: 1 }, options: { context: { imports: false, facts: false } } });
    const prompt = model.prompt(0);
    expect(prompt).not.toContain("## Project facts");
    expect(prompt).not.toContain("## What your files import");
    expect(prompt).toContain(`### ${APP} (read-only`);
    expect(theEvent(run.events, "model_call_start").tokensByPart).toMatchObject({ imports: 0, facts: 0 });
  });
});

describe("the budget", () => {
  // A window of 6000 tokens with 1000 kept for the reply; the imported module alone would take
  // about 30 000 tokens at the prompt budget's count.
  const tiers = { ...DEFAULT_TIERS, fast: { ...DEFAULT_TIERS.fast, contextWindow: 6000, maxTokens: 1000 } };
  const big = Array.from({ length: 1500 }, (_, i) => `export function helper${i}(value: number, label: string): string {\n  return label + value\n}\n`).join("");
  const owner = "import { helper7 } from './big.ts'\n\nexport const shown = helper7(1, 'a')\n";

  test("a large imported module never pushes the prompt past its window; the imported name is kept, the rest is named as left out", async () => {
    const model = createMemoryModel();
    await using run = await runLoop({
      task: { description: "use helper7 twice", filesOwned: ["src/owner.ts"] },
      files: { "src/big.ts": big, "src/owner.ts": owner },
      model,
      limits: { maxTotalAttempts: 2, attemptsPerTier: 2 },
      deps: { tiers },
    });
    expect(model.requests).toHaveLength(2);
    for (const request of model.requests) expect(estimateTokens(request.messages)).toBeLessThanOrEqual(tiers.fast.contextWindow - tiers.fast.maxTokens);
    const prompt = model.prompt(0);
    expect(prompt).toContain("export function helper7(value: number, label: string): string;");
    expect(prompt).toMatch(/## Not shown\n- src\/big\.ts: \d+ of 1500 declarations \(no room\)/);
    // The owned file and the feedback are never what gives way.
    expect(prompt).toContain(`### src/owner.ts (3 lines)\n\`\`\`ts\n${owner}\`\`\``);
    expect(model.prompt(1)).toContain("What went wrong:");
    expect(model.prompt(1)).toContain("I found no edit in your reply");
  });

  test("a read-only file too big for the room is shown cut short, with a note of what was left out", async () => {
    const model = createMemoryModel();
    const long = Array.from({ length: 3000 }, (_, i) => `line ${i + 1} of the changelog`).join("\n") + "\n";
    await using run = await runLoop({
      task: { description: "summarise", filesOwned: ["notes.md"], filesRead: ["CHANGELOG.md"] },
      files: { "CHANGELOG.md": long },
      model,
      limits: { maxTotalAttempts: 1 },
      deps: { tiers },
    });
    const prompt = model.prompt(0);
    expect(estimateTokens(model.requests[0]!.messages)).toBeLessThanOrEqual(5000);
    expect(prompt).toContain("### CHANGELOG.md (read-only, 3000 lines; cut short)\n```md\nline 1 of the changelog\n");
    const cut = /\[\.\.\. CHANGELOG\.md: lines (\d+)-3000 of 3000 not shown \(no room\) \.\.\.\]/.exec(prompt);
    expect(cut).not.toBeNull();
    expect(prompt).toContain(`line ${Number(cut![1]) - 1} of the changelog\n\`\`\``);
    expect(prompt).not.toContain(`line ${cut![1]} of the changelog`);
  });
});
