// What the model is shown about the rest of the workspace, read from the prompts the (in-memory)
// model received, in the task loop on the real Vite react-ts fixture (its installed React 19 and
// its own tsconfig): the imported module's fields, the read-only file in full and the refusal of
// an edit to it, the project facts, the token report, and the budget the context keeps to,
// counted with Qwen's tokenizer as the task loop counts it.
import { describe, expect, test } from "bun:test";
import { DEFAULT_TIERS } from "../../src/core/defaults.ts";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { eventsNamed, runLoop, theEvent } from "../../testing/task-loop.ts";
import { TEST_TOKENS } from "../../testing/tokens.ts";

const counter = await TEST_TOKENS.load("qwen2.5");

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
    const order = run.events.map((e) => e.event);
    expect(order.indexOf("model_prompt")).toBe(order.indexOf("model_call_start") + 1);
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
  // about 25 000 tokens.
  const tiers = { ...DEFAULT_TIERS, fast: { ...DEFAULT_TIERS.fast, contextWindow: 6000, maxTokens: 1000 } };
  const available = tiers.fast.contextWindow - tiers.fast.maxTokens;
  const big = Array.from({ length: 1500 }, (_, i) => `export function helper${i}(value: number, label: string): string {\n  return label + value\n}\n`).join("");
  const owner = "import { helper7 } from './big.ts'\n\nexport const shown = helper7(1, 'a')\n";

  test("a large imported module never pushes the prompt past its window; the imported name is kept, the rest is named as left out", async () => {
    expect(counter.text(big)).toBeGreaterThan(4 * available);
    const model = createMemoryModel();
    await using run = await runLoop({
      task: { description: "use helper7 twice", filesOwned: ["src/owner.ts"] },
      files: { "src/big.ts": big, "src/owner.ts": owner },
      model,
      limits: { maxTotalAttempts: 2, attemptsPerTier: 2 },
      deps: { tiers },
    });
    expect(model.requests).toHaveLength(2);
    // The context fills the room a tier leaves; it never moves the task to a bigger window.
    expect(theEvent(run.events, "tier_selected")).toMatchObject({ tier: "fast", reason: "default" });
    expect(model.requests.map((r) => r.model)).toEqual(["fast-coder", "fast-coder"]);
    for (const request of model.requests) expect(counter.chat(request.messages)).toBeLessThanOrEqual(available);
    // What model_call_start reports is the count of what was sent, and the imports took most of the room.
    const starts = eventsNamed(run.events, "model_call_start");
    expect(starts.map((e) => e.promptTokens)).toEqual(model.requests.map((r) => counter.chat(r.messages)));
    expect(starts[0]!.tokensByPart.imports).toBeGreaterThan(available / 2);
    const prompt = model.prompt(0);
    expect(prompt).toContain("export function helper7(value: number, label: string): string;");
    expect(prompt).toMatch(/## Not shown\n- src\/big\.ts: \d+ of 1500 declarations \(no room\)/);
    // The owned file and the feedback are never what gives way.
    expect(prompt).toContain(`### src/owner.ts (3 lines)\n\`\`\`ts\n${owner}\`\`\``);
    expect(model.prompt(1)).toContain("What went wrong:");
    expect(model.prompt(1)).toContain("I found no edit in your reply");
  });

  test("a read-only module too big for the room is shown as its outline and excerpts around what the description names", async () => {
    const api = Array.from({ length: 600 }, (_, i) => `export async function fetchItem${i}(id: string): Promise<string> {\n  const res = await fetch(\`/items/${i}/\${id}\`)\n  return res.text()\n}\n`).join("\n");
    const lines = api.split("\n").length - 1;
    const at = (name: string) => api.split("\n").findIndex((l) => l.includes(`function ${name}(`)) + 1;
    const model = createMemoryModel();
    await using run = await runLoop({
      task: { description: "In src/page.ts, export a loadItem(id) that returns fetchItem412(id)", filesOwned: ["src/page.ts"], filesRead: ["src/api.ts"] },
      files: { "src/api.ts": api },
      model,
      limits: { maxTotalAttempts: 1 },
      deps: { tiers },
    });
    expect(counter.chat(model.requests[0]!.messages)).toBeLessThanOrEqual(available);
    const prompt = model.prompt(0);
    expect(prompt).toContain(`### src/api.ts (read-only, ${lines} lines, shown in part)\n\nsrc/api.ts is too big to show whole here, so you see its outline and lines `);
    // The outline lists declarations with their lines; the named function is shown whole, with its lines.
    expect(prompt).toContain(`Outline of src/api.ts (the lines each declaration spans, and its first line):`);
    expect(prompt).toMatch(new RegExp(`Lines \\d+-\\d+ of src/api\\.ts:\n\`\`\`ts\n(?:.*\n)*?export async function fetchItem412\\(id: string\\): Promise<string> \\{\n  const res = await fetch`));
    expect(at("fetchItem412")).toBeGreaterThan(1000);
    expect(prompt).not.toContain("fetch(`/items/300/");
    expect(prompt).toMatch(new RegExp(`## Not shown\n- src/api\\.ts: shown in part, \\d+ of its ${lines} lines \\(no room for the rest\\)`));
    // Read-only all the same: no line of it may be edited, so nothing says it may be.
    expect(prompt).not.toContain("Edit only lines you can see: every unchanged and removed line of a hunk must be copied from one of the excerpts below, and an edit that changes any other line is refused. Answer for src/api.ts");
  });

  test("a long text file with nothing named in it is shown by its start and its end, within the window", async () => {
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
    expect(counter.chat(model.requests[0]!.messages)).toBeLessThanOrEqual(available);
    expect(prompt).toContain("### CHANGELOG.md (read-only, 3000 lines, shown in part)");
    expect(prompt).toContain("Lines 1-20 of CHANGELOG.md:\n```md\nline 1 of the changelog\n");
    expect(prompt).toContain("[lines 21-2995 are not shown]");
    expect(prompt).toContain("Lines 2996-3000 of CHANGELOG.md:\n```md\nline 2996 of the changelog\n");
    expect(prompt).not.toContain("line 21 of the changelog");
    expect(prompt).toContain("- CHANGELOG.md: shown in part, 25 of its 3000 lines (no room for the rest)");
  });
});
