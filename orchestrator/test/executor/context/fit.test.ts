// The context in the room a fitted prompt leaves, counted by Qwen's tokenizer: across windows from
// too small for any context to big enough for all of it, what is sent never exceeds the window,
// the owned file and the feedback stay as they were fitted, and the context shrinks in its order
// (the imports first, then the read-only file, which goes from whole to shown in part to left out).
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Task } from "../../../src/core/types.ts";
import { fitPrompt, outlineCache } from "../../../src/executor/budget.ts";
import type { ContextBlock } from "../../../src/executor/context/block.ts";
import { fitContext } from "../../../src/executor/context/fit.ts";
import { renderQwenChat } from "../../../src/executor/tokens/qwen.ts";
import { outlineOf } from "../../../src/source/outline.ts";
import { TEST_TOKENS } from "../../../testing/tokens.ts";

const ROOT = path.resolve(import.meta.dir, "../../..");
const counter = await TEST_TOKENS.load("qwen2.5");
const outline = outlineCache(outlineOf);

// A real module from a published package as the read-only file (openai 7.57.0's chat completions, 96,576 characters).
const READ = "src/completions.ts";
const readContent = await readFile(path.join(ROOT, "node_modules/openai/src/resources/chat/completions/completions.ts"), "utf8");
const OWNED = "src/chat.ts";
const owned = "import type { ChatCompletion } from './completions.ts'\n\nexport function firstChoice(c: ChatCompletion) {\n  return c.choices[0]\n}\n";
const task: Task = { description: "In src/chat.ts, make firstChoice return the message of ChatCompletion's first choice", filesOwned: [OWNED], filesRead: [READ] };
const helpers = Array.from({ length: 300 }, (_, i) => ({
  names: [`helper${i}`],
  text: `export function helper${i}(value: number, label: string): string;`,
  neededBy: [],
  file: "src/helpers.ts",
  wanted: i === 7,
}));
const block: ContextBlock = {
  facts: ["React 19 (19.3.1 installed)", "tsconfig.json: verbatimModuleSyntax: import a type with `import type { T }`"],
  readOnly: [{ path: READ, content: readContent, outline: await outlineOf(READ, readContent) }],
  imports: [{ path: "src/helpers.ts", via: [`${OWNED} imports './helpers.ts'`], declarations: helpers }],
  problems: [],
};
const previous = { diff: null, errors: ["src/chat.ts(4,10): error TS2339: Property 'message' does not exist on type 'ChatCompletion'."], formatRefused: false };

describe("fitContext", () => {
  test("whatever the window, the prompt sent is within it, counted whole, and the context only fills what is left", async () => {
    const seen = new Set<string>();
    for (let window = 3_000; window <= 40_000; window += 1_850) {
      const fit = await fitPrompt({ task, files: new Map([[OWNED, owned]]), previous }, { contextWindow: window, maxTokens: 1_024 }, counter, outline);
      if (!fit.ok) throw new Error(`the owned file alone must fit ${window}`);
      const sent = fitContext(fit, block, counter);
      const user = sent.messages.at(-1)!.content;
      expect({ window, tokens: sent.tokens }).toEqual({ window, tokens: counter.text(renderQwenChat(sent.messages)) });
      expect(sent.tokens).toBeLessThanOrEqual(window - 1_024);
      // The owned file and the feedback are what the fit without the context had.
      expect(user.endsWith(fit.messages.at(-1)!.content.slice(fit.messages.at(-1)!.content.indexOf("## Files you own")))).toBe(true);
      expect(sent.tokensByPart).toMatchObject({ owned: fit.tokensByPart.owned, feedback: fit.tokensByPart.feedback });
      const readOnly = user.includes(`### ${READ} (read-only, ${readContent.split("\n").length - 1} lines)\n`) ? "whole" : user.includes(`### ${READ} (read-only,`) ? "in part" : "none";
      const imports = (user.match(/export function helper\d+\(/g) ?? []).length;
      seen.add(`${readOnly}/${imports === 0 ? "no imports" : imports < 300 ? "some imports" : "all imports"}`);
      if (sent.tokensByPart.imports > 0) expect(user).toContain("export function helper7(value: number, label: string): string;");
      if (readOnly === "in part") expect(user).toMatch(/- src\/completions\.ts: shown in part, \d+ of its \d+ lines \(no room for the rest\)/);
    }
    // From a window with room for nothing but the facts, through ones where the file does not fit
    // at all (the declarations take the room) or fits in part, to one that holds it and every declaration.
    for (const shape of ["none/no imports", "none/some imports", "in part/some imports", "whole/all imports"]) expect([...seen]).toContain(shape);
  }, 60_000);

  test("with no room left, the fitted prompt goes out unchanged", async () => {
    const fit = await fitPrompt({ task, files: new Map([[OWNED, owned]]), previous: null }, { contextWindow: 10_000, maxTokens: 1_024 }, counter, outline);
    if (!fit.ok) throw new Error("expected a fit");
    const tight = { ...fit, available: fit.tokens + 3 };
    expect(fitContext(tight, block, counter)).toBe(tight);
  });
});
