import { describe, expect, test } from "bun:test";
import { markCheck, parsePs, selectTree, type ProcessRow } from "../../src/verify/process-tree.ts";

const row = (pid: number, ppid: number, pgid: number, extra: Partial<ProcessRow> = {}): ProcessRow => ({
  pid,
  ppid,
  pgid,
  zombie: false,
  start: String(pid * 10),
  marked: false,
  ...extra,
});

describe("selectTree", () => {
  // 1: init; 50: the CLI; 100: the check (its group's leader); 200: a setsid'd grandchild that
  // kept the marker; 300: its env-cleared child; 400: an env-cleared group member; 500: a stranger.
  const rows = [
    row(1, 0, 1),
    row(50, 1, 50),
    row(100, 50, 100, { marked: true }),
    row(200, 1, 200, { marked: true }),
    row(300, 200, 200),
    row(400, 100, 100),
    row(500, 1, 500),
  ];

  test("the marked, the group and their children; never the CLI, init or a stranger", () => {
    expect(selectTree(rows, 100, 50)).toEqual([100, 200, 300, 400]);
  });

  test("zombies are left out: they are dead, only unreaped", () => {
    const withZombies = rows.map((r) => (r.pid === 300 || r.pid === 400 ? { ...r, zombie: true } : r));
    expect(selectTree(withZombies, 100, 50)).toEqual([100, 200]);
  });

  test("a process seen before is found again by pid and start time, not by a reused pid", () => {
    // After the check's script exited, 300's parent died too: it is an env-cleared orphan in
    // another group, found only because it was seen.
    const later = [row(1, 0, 1), row(50, 1, 50), row(300, 1, 200), row(600, 1, 600)];
    expect(selectTree(later, 100, 50, new Set(["300:3000"]))).toEqual([300]);
    expect(selectTree(later, 100, 50, new Set(["600:1"]))).toEqual([]);
  });
});

test("parsePs reads macOS `ps -E` lines: the marker is a word of the environment after the command", () => {
  const text = [
    "  100    50   100 Ss   sh -c tsc TERM=dumb SMOL_CHECK_ab=1 CI=true",
    "  200     1   200 S    node worker.js SMOL_CHECK_ab=1",
    "  300     1   300 Z    <defunct>",
    "  400     1   400 S    node other.js SMOL_CHECK_abc=1 NOT_SMOL_CHECK_ab=1",
  ].join("\n");
  expect(parsePs(text, "SMOL_CHECK_ab")).toEqual([
    { pid: 100, ppid: 50, pgid: 100, zombie: false, start: "", marked: true },
    { pid: 200, ppid: 1, pgid: 200, zombie: false, start: "", marked: true },
    { pid: 300, ppid: 1, pgid: 300, zombie: true, start: "", marked: false },
    { pid: 400, ppid: 1, pgid: 400, zombie: false, start: "", marked: false },
  ]);
});

test("each check gets a marker of its own name, so a check inside a check keeps both", () => {
  const a = markCheck().env;
  const b = markCheck().env;
  expect(Object.keys(a)[0]).toMatch(/^SMOL_CHECK_[0-9a-f]{32}$/);
  expect(Object.keys(a)[0]).not.toBe(Object.keys(b)[0]);
});
