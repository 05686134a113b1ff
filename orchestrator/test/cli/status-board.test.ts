import { expect, test } from "bun:test";
import { createStatusBoard, renderStatusLine } from "../../src/cli/status-board.ts";

function fakeStream(isTTY: boolean) {
  let written = "";
  return { stream: { isTTY, columns: 80, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream, text: () => written };
}

test("a status line names the task, tier, attempt and phase", () => {
  expect(renderStatusLine("0123456789abcdef", { tier: "deep", attempt: 3, phase: "verifying" }, "Add a Card")).toBe(
    "01234567  deep     attempt 3  verifying  Add a Card",
  );
});

test("on a terminal the board redraws one line per running task in place, and drops finished ones", () => {
  const out = fakeStream(true);
  const board = createStatusBoard(out.stream, new Map([["aaaaaaaa-1", "first"], ["bbbbbbbb-2", "second"]]));
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "calling" });
  board.update("bbbbbbbb-2", { tier: "fast", attempt: 1, phase: "waiting" });
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "done" });
  const text = out.text();
  expect(text).toContain("aaaaaaaa  fast     attempt 1  calling the model  first");
  expect(text).toContain("waiting for a slot  second");
  // The last frame moves up over the two lines drawn before and draws only the running task.
  const last = text.slice(text.lastIndexOf("\x1b[2A"));
  expect(last).toContain("second");
  expect(last).not.toContain("first");
  board.close();
  expect(out.text().endsWith("\x1b[1A\x1b[J")).toBe(true);
});

test("when stderr is not a terminal nothing is written", () => {
  const out = fakeStream(false);
  const board = createStatusBoard(out.stream, new Map());
  board.update("x", { tier: "fast", attempt: 1, phase: "calling" });
  board.close();
  expect(out.text()).toBe("");
});

test("a log line written around the board lifts it off and redraws it below the line", () => {
  const out = fakeStream(true);
  const board = createStatusBoard(out.stream, new Map([["aaaaaaaa-1", "first"]]));
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "calling" });
  const before = out.text().length;
  board.around(() => out.stream.write("LOG LINE\n"));
  const after = out.text().slice(before);
  expect(after.startsWith("\x1b[1A\x1b[J" + "LOG LINE\n")).toBe(true);
  expect(after).toContain("calling the model  first");
});
