// planEdit with a file the model saw only in part: edits inside what it saw (or at an excerpt's
// edge) land; an edit that changes any other line, a whole-file answer or a deletion is refused
// with the lines it reached for.
import { describe, expect, test } from "bun:test";
import type { LineRange } from "../../src/core/types.ts";
import { planEdit } from "../../src/edits/plan.ts";
import { unifiedDiff } from "../../testing/replies.ts";

const P = "src/big.ts";
const LINES = Array.from({ length: 200 }, (_, i) => `export const v${i + 1} = ${i + 1};`);
const SRC = `${LINES.join("\n")}\n`;
/** The model saw lines 1-20 and 100-120. */
const SHOWN: LineRange[] = [
  { start: 1, end: 20 },
  { start: 100, end: 120 },
];

function edit(change: (lines: string[]) => void): string {
  const lines = [...LINES];
  change(lines);
  return `${lines.join("\n")}\n`;
}

const plan = (reply: string, shown: LineRange[] = SHOWN) =>
  planEdit({ reply, current: new Map([[P, SRC]]), filesOwned: [P], maxLines: 300, shown: new Map([[P, shown]]) });
const diffReply = (after: string) => `\`\`\`diff\n${unifiedDiff(P, SRC, after)}\`\`\`\n`;

describe("inside what was shown", () => {
  const cases: Array<[string, (l: string[]) => void]> = [
    ["a line changed inside an excerpt", (l) => (l[109] = "export const v110 = 0;")],
    ["lines added at the end of an excerpt", (l) => l.splice(120, 0, "export const extra = 1;")],
    ["lines added at the start of an excerpt", (l) => l.splice(99, 0, "export const extra = 1;")],
    ["a line removed at an excerpt's edge", (l) => l.splice(99, 1)],
    ["the first line changed", (l) => (l[0] = "export const v1 = 0;")],
  ];
  for (const [name, change] of cases) {
    test(name, async () => {
      const after = edit(change);
      const p = await plan(diffReply(after));
      expect(p.ok && p.changes[0]!.after).toBe(after);
    });
  }
});

describe("outside what was shown", () => {
  const cases: Array<[string, (l: string[]) => void, LineRange[]]> = [
    ["a line changed between excerpts", (l) => (l[59] = "export const v60 = 0;"), [{ start: 60, end: 60 }]],
    ["a line added between excerpts", (l) => l.splice(60, 0, "export const extra = 1;"), [{ start: 60, end: 61 }]],
    ["the last line changed", (l) => (l[199] = "export const v200 = 0;"), [{ start: 200, end: 200 }]],
    ["lines removed across an excerpt's edge", (l) => l.splice(18, 4), [{ start: 21, end: 22 }]],
  ];
  for (const [name, change, unseen] of cases) {
    test(name, async () => {
      const p = await plan(diffReply(edit(change)));
      if (p.ok) throw new Error("expected a refusal");
      expect(p.reason).toBe("not_shown");
      expect(p.unseen).toEqual([{ path: P, lines: unseen }]);
      expect(p.detail).toContain("which you were not shown: you saw only lines 1-20 and 100-120 of it");
    });
  }

  test("a whole-file answer for a file shown in part is refused, even a short one", async () => {
    const p = await plan(`\`\`\`ts ${P}\n${edit((l) => (l[109] = "export const v110 = 0;"))}\`\`\`\n`);
    expect(p).toMatchObject({ ok: false, reason: "not_shown" });
    expect(!p.ok && p.detail).toContain("Send a unified diff");
  });

  test("a file shown in part cannot be deleted", async () => {
    const p = await plan(`\`\`\`diff\n${unifiedDiff(P, SRC, null)}\`\`\`\n`);
    expect(p).toMatchObject({ ok: false, reason: "not_shown" });
  });
});

test("files shown whole are not checked", async () => {
  const after = edit((l) => (l[59] = "export const v60 = 0;"));
  const p = await planEdit({ reply: diffReply(after), current: new Map([[P, SRC]]), filesOwned: [P], maxLines: 300 });
  expect(p.ok && p.changes[0]!.after).toBe(after);
});
