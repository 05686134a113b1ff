import { expect, test } from "bun:test";
import { buildUserPrompt } from "../../../src/executor/prompt.ts";

const content = Array.from({ length: 100 }, (_, i) => `const v${i + 1} = ${i + 1};`).join("\n") + "\n";

test("a file shown in part says which lines are shown and which are left out, and is not offered whole", () => {
  const text = buildUserPrompt({
    task: { description: "change v50", filesOwned: ["src/big.ts"] },
    files: new Map([["src/big.ts", content]]),
    wholeFileMaxLines: 200,
    excerpts: new Map([
      [
        "src/big.ts",
        {
          outline: [{ name: "v1", kind: "variable", exported: false, line: 1, endLine: 1, depth: 0, text: "const v1 = 1;" }],
          outlineLeft: 99,
          regions: [{ start: 1, end: 3 }, { start: 48, end: 52 }],
          totalLines: 100,
        },
      ],
    ]),
  });
  expect(text).toContain("### src/big.ts (100 lines, shown in part)");
  expect(text).toContain("you see its outline and lines 1-3 and 48-52 of its 100 lines");
  expect(text).toContain("Lines 1-3 of src/big.ts:\n```ts\nconst v1 = 1;\nconst v2 = 2;\nconst v3 = 3;\n```");
  expect(text).toContain("[lines 4-47 are not shown]");
  expect(text).toContain("Lines 48-52 of src/big.ts:\n```ts\nconst v48 = 48;");
  expect(text).toContain("[lines 53-100 are not shown]");
  expect(text).toContain("1-1         const v1 = 1;");
  expect(text).toContain("[... 99 more declarations not listed ...]");
  expect(text).toContain("a whole-file answer is not accepted for it");
  expect(text).not.toContain("you may instead give the complete new file content");
});
