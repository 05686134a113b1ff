import { describe, expect, test } from "bun:test";
import { buildMessages, buildUserPrompt, countLines, trimLines, type PromptInput } from "../../src/executor/prompt.ts";

const base = (over: Partial<PromptInput> = {}): PromptInput => ({
  task: { description: "Add a Card component", filesOwned: ["src/Card.tsx"] },
  files: new Map([["src/Card.tsx", null]]),
  previous: null,
  wholeFileMaxLines: 200,
  ...over,
});

/** A 300-line file shown as lines 1-10, on a retry after `previous`. */
const excerpted = (previous: NonNullable<PromptInput["previous"]>): PromptInput =>
  base({
    task: { description: "x", filesOwned: ["big.ts"] },
    files: new Map([["big.ts", "x\n".repeat(300)]]),
    excerpts: new Map([["big.ts", { outline: [], outlineLeft: 0, regions: [{ start: 1, end: 10 }], totalLines: 300 }]]),
    previous,
  });

describe("buildUserPrompt", () => {
  const cases: Array<{ name: string; input: PromptInput; has: Array<string | RegExp>; hasNot?: Array<string | RegExp> }> = [
    {
      name: "a new file is marked as new and offered as a whole file",
      input: base(),
      has: ["## Task\nAdd a Card component", "### src/Card.tsx\n(new file", "```diff", /For src\/Card\.tsx you may instead give the complete new file/],
      hasNot: ["previous attempt"],
    },
    {
      name: "an existing file is shown whole, fenced with its language, with its line count",
      input: base({ task: { description: "x", filesOwned: ["src/a.ts"] }, files: new Map([["src/a.ts", "export const a = 1;\nexport const b = 2;\n"]]) }),
      has: ["### src/a.ts (2 lines)\n```ts\nexport const a = 1;\nexport const b = 2;\n```"],
    },
    {
      name: "a big file is not offered as a whole file",
      input: base({
        task: { description: "x", filesOwned: ["big.ts"] },
        files: new Map([["big.ts", "x\n".repeat(500)]]),
      }),
      has: ["(500 lines)"],
      hasNot: ["complete new file"],
    },
    {
      name: "a file containing a fence gets a longer fence",
      input: base({ task: { description: "x", filesOwned: ["README.md"] }, files: new Map([["README.md", "```sh\nls\n```\n"]]) }),
      has: ["````md\n```sh\nls\n```\n````"],
    },
    {
      name: "a retry of a file shown in part says the excerpts now hold the previous edit's lines",
      input: excerpted({ diff: "--- a/big.ts\n+++ b/big.ts\n", errors: ["big.ts(3,1): error TS2304"], formatRefused: false, focus: new Map([["big.ts", [{ start: 1, end: 5 }]]]) }),
      has: ["The excerpts above now include the lines your previous edit changed"],
    },
    {
      name: "after a reply with no edit in it, the excerpts have nothing new to point at and the prompt does not claim so",
      input: excerpted({ diff: null, errors: ["no diff found in the reply"], formatRefused: true, focus: new Map() }),
      has: ["## Your previous attempt failed", "no diff found in the reply"],
      hasNot: ["now include the lines"],
    },
    {
      name: "a retry shows the errors and the previous diff",
      input: base({
        previous: { diff: "--- a/x\n+++ b/x\n", errors: ["src/Card.tsx(3,7): error TS2322: Type 'string' is not assignable to type 'number'."], formatRefused: false },
      }),
      has: ["## Your previous attempt failed", "error TS2322", "```diff\n--- a/x\n+++ b/x\n```", "It has been undone"],
    },
    {
      name: "errors in files the task does not own are still shown (they may be caused by the change)",
      input: base({ previous: { diff: null, errors: ["src/App.tsx(1,8): error TS2307: Cannot find module './Card'"], formatRefused: false } }),
      has: ["src/App.tsx(1,8): error TS2307"],
    },
    {
      name: "after a format refusal the prompt asks for whole files",
      input: base({ previous: { diff: null, errors: ["patch rejected (no_diff): no diff found"], formatRefused: true } }),
      has: ["give the COMPLETE new content", "src/Card.tsx\n```tsx\n...the whole file...\n```"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const text = buildUserPrompt(c.input);
      for (const h of c.has) typeof h === "string" ? expect(text).toContain(h) : expect(text).toMatch(h);
      for (const h of c.hasNot ?? []) typeof h === "string" ? expect(text).not.toContain(h) : expect(text).not.toMatch(h);
    });
  }

  test("feedback is trimmed to its budget, whole lines first, with a count of what was cut", () => {
    const errors = Array.from({ length: 400 }, (_, i) => `src/a.ts(${i + 1},1): error TS2304: Cannot find name 'x${i}'.`);
    const text = buildUserPrompt(base({ previous: { diff: "d".repeat(50_000), errors, formatRefused: false }, feedbackBudget: 3_000 }));
    const feedback = text.slice(text.indexOf("## Your previous attempt failed"), text.indexOf("## Answer format"));
    expect(feedback.length).toBeLessThan(4_500);
    expect(feedback).toContain("error TS2304: Cannot find name 'x0'.");
    expect(feedback).toMatch(/\[\.\.\. \d+ more lines not shown \.\.\.\]/);
    expect(feedback).toContain("[... diff truncated ...]");
  });

  test("the same input always gives the same prompt", () => {
    expect(buildUserPrompt(base())).toBe(buildUserPrompt(base()));
  });
});

test("buildMessages puts the system prompt from its own file first", () => {
  const [system, user] = buildMessages(base());
  expect(system!.role).toBe("system");
  expect(system!.content).toContain("unified diff");
  expect(user!.role).toBe("user");
});

test("countLines and trimLines", () => {
  expect(countLines("")).toBe(0);
  expect(countLines("a")).toBe(1);
  expect(countLines("a\nb\n")).toBe(2);
  expect(trimLines(["aaaa", "bbbb", "cccc"], 9)).toEqual(["aaaa", "[... 2 more lines not shown ...]"]);
  expect(trimLines(["a-very-long-first-line"], 3)).toEqual(["a-very-long-first-line"]);
});
