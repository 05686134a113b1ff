import { expect, test } from "bun:test";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { installMissing, missingTools, TEST_TOOLS } from "../../testing/setup-check.ts";
import { FIXTURES_DIR } from "../../testing/workspace.ts";

test("a project without node_modules is installed from its lockfile; an installed one is left alone", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smol-setup-"));
  await using _ = { [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
  for (const f of ["package.json", "bun.lock"]) await copyFile(path.join(FIXTURES_DIR, "react-ts", f), path.join(dir, f));
  const lines: string[] = [];
  const first = installMissing([dir], (l) => lines.push(l));
  expect(first).toEqual({ ok: true, installed: [dir] });
  expect(lines).toEqual([`test setup: installing ${dir} (bun install --frozen-lockfile)`]);
  expect(existsSync(path.join(dir, "node_modules", ".bin", "tsc"))).toBe(true);
  expect(installMissing([dir], (l) => lines.push(l))).toEqual({ ok: true, installed: [] });
}, 120_000);

test("a lockfile that does not match its package.json is not installed, and the message says what to run", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smol-setup-"));
  await using _ = { [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
  await copyFile(path.join(FIXTURES_DIR, "react-ts", "bun.lock"), path.join(dir, "bun.lock"));
  await Bun.write(path.join(dir, "package.json"), JSON.stringify({ name: "x", dependencies: { "left-pad": "1.3.0" } }));
  const r = installMissing([dir], () => {});
  expect(r.ok).toBe(false);
  expect(!r.ok && r.message).toContain(`(cd ${dir} && bun install --frozen-lockfile)`);
}, 60_000);

test("a missing tool is named with the command that installs it", () => {
  expect(missingTools((t) => (t === "tmux" ? null : `/usr/bin/${t}`))).toEqual([{ tool: "tmux", install: TEST_TOOLS.tmux! }]);
  expect(missingTools(() => "/bin/x")).toEqual([]);
});
