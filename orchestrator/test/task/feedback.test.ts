import { expect, test } from "bun:test";
import type { Diagnostic } from "../../src/verify/diagnostics/diagnostic.ts";
import { buildFeedback, codeAround } from "../../src/task/feedback.ts";

const d = (file: string | null, line: number | null, col: number | null, message: string): Diagnostic => ({
  tool: "tsc",
  file,
  line,
  col,
  code: "TS2322",
  message,
  severity: "error",
  raw: "",
});

test("an error in an owned file shows the attempted code around it, with a caret", () => {
  const attempted = new Map([["src/Card.tsx", "a\nb\nconst width: number = 'wide'\nd\ne\nf\n"]]);
  const lines = buildFeedback([d("src/Card.tsx", 3, 23, "Type 'string' is not assignable to type 'number'.")], attempted);
  expect(lines).toEqual([
    "src/Card.tsx(3,23): error TS2322: Type 'string' is not assignable to type 'number'.",
    "    1 | a",
    "    2 | b",
    "  > 3 | const width: number = 'wide'",
    "      |                       ^",
    "    4 | d",
    "    5 | e",
  ]);
});

test("errors in files the attempt did not write get no code, and nothing is invented", () => {
  const lines = buildFeedback([d("src/App.tsx", 1, 8, "Cannot find module './Card'."), d(null, null, null, "build failed")], new Map());
  expect(lines).toHaveLength(2);
  expect(lines[0]).toBe("src/App.tsx(1,8): error TS2322: Cannot find module './Card'.");
  expect(lines[1]).toContain("build failed");
});

test("the feedback is capped", () => {
  const many = Array.from({ length: 100 }, (_, i) => d("src/a.ts", i + 1, 1, `problem ${i}`));
  const attempted = new Map([["src/a.ts", "x\n".repeat(200)]]);
  const lines = buildFeedback(many, attempted, 40);
  expect(lines).toHaveLength(41);
  expect(lines.at(-1)).toMatch(/more errors not shown/);
});

test("codeAround stays inside the file", () => {
  expect(codeAround("only\n", 1, null)).toEqual(["  > 1 | only", "    2 | "]);
});
