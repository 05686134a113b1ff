// The board's bytes: what it draws, lifts and clears. test/e2e/terminal.test.ts reads what a
// person sees of it on a real terminal.
import { expect, test } from "bun:test";
import { createStatusBoard, fitWidth, liftSequence, noBoard, renderStatusLine, type Terminal } from "../../src/cli/status-board.ts";

function fakeTerminal(columns = 80, rows = 24) {
  let written = "";
  const exitHooks: Array<() => void> = [];
  const term: Terminal = { write: (s) => void (written += s), columns: () => columns, rows: () => rows };
  const onExit = (fn: () => void) => {
    exitHooks.push(fn);
    return () => void exitHooks.splice(exitHooks.indexOf(fn), 1);
  };
  return { term, onExit, exitHooks, text: () => written };
}

test("a status line names the task, tier, attempt and phase, and the label fills the width", () => {
  expect(renderStatusLine("0123456789abcdef", { tier: "deep", attempt: 3, phase: "verifying" }, "Add a Card", 80)).toBe(
    "01234567  deep     attempt 3  verifying  Add a Card",
  );
  const label = "Create a Card component in src/components/Card.tsx with a title, a description and a button";
  const wide = renderStatusLine("0123456789abcdef", { tier: "fast", attempt: 1, phase: "calling" }, label, 200);
  expect(wide.endsWith(label)).toBe(true);
  const narrow = renderStatusLine("0123456789abcdef", { tier: "fast", attempt: 1, phase: "calling" }, label, 60);
  expect(Bun.stringWidth(narrow)).toBe(59);
  expect(narrow.endsWith("…")).toBe(true);
});

test("on a narrow terminal the head gets compact before the phase is cut", () => {
  const at = (phase: "waiting" | "verifying", columns: number) => renderStatusLine("519abd79ffff", { tier: "fast", attempt: 1, phase }, "Create Alpha.tsx", columns);
  expect(at("waiting", 44)).toBe("519abd79 fast #1 waiting for the workspace");
  expect(at("verifying", 40)).toBe("519abd79 fast #1 verifying  Create Alp…");
  expect(at("waiting", 40)).toBe("519abd79 fast #1 waiting for the works…"); // narrower than the phase itself
  for (const columns of [30, 40, 44, 60]) expect(Bun.stringWidth(at("waiting", columns))).toBeLessThanOrEqual(columns - 1);
});

test("each phase reads as what the task waits for", () => {
  const line = (info: Parameters<typeof renderStatusLine>[1]) => renderStatusLine("aaaaaaaa", info, "", 120);
  expect(line({ tier: "fast", attempt: 2, phase: "queued" })).toContain("attempt 2  queued for a slot");
  expect(line({ tier: "fast", attempt: 1, phase: "calling", baseline: true })).toContain("calling the model, baseline checks running");
  expect(line({ tier: "fast", attempt: 1, phase: "waiting" })).toContain("waiting for the workspace");
  expect(line({ tier: "fast", attempt: 0, phase: "baseline" })).toContain("attempt 1  baseline checks");
});

test("wide characters count as two columns, and the cut never splits one", () => {
  expect(fitWidth("日本語のラベル", 8)).toBe("日本語…");
  expect(Bun.stringWidth(fitWidth("日本語のラベル", 8))).toBeLessThanOrEqual(8);
  expect(fitWidth("short", 8)).toBe("short");
});

test("the board redraws in place, drops finished tasks, and clears every line it drew", () => {
  const t = fakeTerminal();
  const board = createStatusBoard(t.term, new Map([["aaaaaaaa-1", "first"], ["bbbbbbbb-2", "second"]]), t.onExit);
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "calling" });
  board.update("bbbbbbbb-2", { tier: "fast", attempt: 1, phase: "queued" });
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "done" });
  const text = t.text();
  expect(text).toContain("aaaaaaaa  fast     attempt 1  calling the model  first");
  // The last frame goes back over the two lines, clearing each, and draws one.
  expect(liftSequence(2)).toBe("\x1b[1A\x1b[2K\x1b[1A\x1b[2K\r");
  const last = text.slice(text.lastIndexOf(liftSequence(2)));
  expect(last.startsWith(liftSequence(2))).toBe(true);
  expect(text).not.toContain("\x1b[J");
  expect(last).toContain("second");
  expect(last).not.toContain("first");
  board.update("bbbbbbbb-2", { tier: "fast", attempt: 1, phase: "done" });
  // The last task done: the line is cleared, nothing drawn after it.
  expect(t.text().endsWith(liftSequence(1))).toBe(true);
  board.close();
  expect(t.text().endsWith(liftSequence(1))).toBe(true);
});

test("closing lifts the board; so does the process's exit if close was never reached", () => {
  const t = fakeTerminal();
  const board = createStatusBoard(t.term, new Map(), t.onExit);
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "calling" });
  expect(t.exitHooks).toHaveLength(1);
  t.exitHooks[0]!();
  expect(t.text().endsWith(liftSequence(1))).toBe(true);
  board.close();
  expect(t.exitHooks).toHaveLength(0);
});

test("a board never grows taller than the screen", () => {
  const t = fakeTerminal(80, 6);
  const board = createStatusBoard(t.term, new Map(), t.onExit);
  for (let i = 0; i < 10; i++) board.update(`task${i}---`, { tier: "fast", attempt: 1, phase: "queued" });
  const frame = t.text().slice(t.text().lastIndexOf("\r") + 1);
  expect(frame.split("\n").filter(Boolean)).toHaveLength(4);
  expect(frame).toContain("… and 7 more tasks");
  board.close();
});

test("a log line written around the board lifts it off and redraws it below the line", () => {
  const t = fakeTerminal();
  const board = createStatusBoard(t.term, new Map([["aaaaaaaa-1", "first"]]), t.onExit);
  board.update("aaaaaaaa-1", { tier: "fast", attempt: 1, phase: "calling" });
  const before = t.text().length;
  board.around(() => t.term.write("LOG LINE\n"));
  const after = t.text().slice(before);
  expect(after.startsWith(liftSequence(1) + "LOG LINE\n")).toBe(true);
  expect(after).toContain("calling the model  first");
  board.close();
});

test("the board for a pipe writes nothing and passes log lines through", () => {
  const board = noBoard();
  let wrote = false;
  board.update("x", { tier: "fast", attempt: 1, phase: "calling" });
  board.around(() => (wrote = true));
  board.close();
  expect(wrote).toBe(true);
});
