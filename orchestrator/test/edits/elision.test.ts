/** isPlaceholder: the comments that stand in for code, and the ones that do not. */
import { describe, expect, test } from "bun:test";
import { isPlaceholder } from "../../src/edits/elision.ts";

describe("isPlaceholder", () => {
  const yes = [
    "// ... rest of the component unchanged ...",
    "/* existing code */",
    "// ...",
    "{/* ... */}",
    "// rest of code",
    "# ...",
    "// … other methods",
    "// ... existing code ...",
    "// Rest of the file remains the same",
    "// (unchanged)",
    "...",
    "// keep the rest as is",
    "<!-- ... -->",
    "// remaining cases omitted for brevity",
    "... rest of the file",
    "...the whole file...",
  ];
  const no = [
    "// compute the total",
    "// TODO: handle errors",
    "// rest parameters are collected here",
    "/* eslint-disable */",
    "#!/usr/bin/env node",
    "// Loading",
    "// the previous value is kept",
    "// This returns the rest of the array",
    "const rest = [...items];",
    "return { ...state, loading: false };",
    "...defaults,",
    "...rest",
  ];
  for (const s of yes) test(`placeholder: ${s}`, () => expect(isPlaceholder(s)).toBe(true));
  for (const s of no) test(`not a placeholder: ${s}`, () => expect(isPlaceholder(s)).toBe(false));
});
