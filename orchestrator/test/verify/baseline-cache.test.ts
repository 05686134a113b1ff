import { describe, expect, test } from "bun:test";
import { stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { createBaselineCache } from "../../src/verify/baseline-cache.ts";
import { planChecks } from "../../src/verify/plan.ts";
import type { VerifyRun } from "../../src/verify/run.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const run: VerifyRun = {
  ok: false,
  durationMs: 12,
  checks: [
    {
      name: "typecheck",
      ok: false,
      reason: "exit",
      exitCode: 2,
      durationMs: 12,
      diagnostics: [{ tool: "tsc", file: "src/a.ts", line: 1, col: 7, code: "TS2322", message: "bad", severity: "error", raw: "src/a.ts(1,7): error TS2322: bad" }],
      outputTail: "src/a.ts(1,7): error TS2322: bad",
    },
  ],
};

/** A workspace, its plan, and a cache in a state folder of its own (both removed on disposal). */
async function setup() {
  const ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true" }, files: { "src/a.ts": "export const a: number = 1;\n" } });
  const state = await createWorkspace({ template: "empty" });
  const plan = await planChecks(ws.dir, { timeoutFor: () => 1000, bunPath: process.execPath });
  const cache = createBaselineCache(path.join(state.dir, "baselines"));
  const dispose = async () => {
    await ws[Symbol.asyncDispose]();
    await state[Symbol.asyncDispose]();
  };
  return { ws, plan, cache, [Symbol.asyncDispose]: dispose };
}

describe("the key is the files' content", () => {
  test("an edit that keeps the size and puts the mtime back misses the cache", async () => {
    await using fixture = await setup();
    const { ws, plan, cache } = fixture;
    const file = path.join(ws.dir, "src/a.ts");
    const before = await stat(file);
    const key = await cache.key(ws.dir, plan);
    await writeFile(file, "export const a: number = 2;\n"); // same size
    await utimes(file, before.atime, before.mtime);
    const after = await stat(file);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(await cache.key(ws.dir, plan)).not.toBe(key);
  });

  test("the same content under a new mtime is the same key; dependencies and build output do not count", async () => {
    await using fixture = await setup();
    const { ws, plan, cache } = fixture;
    const key = await cache.key(ws.dir, plan);
    await utimes(path.join(ws.dir, "src/a.ts"), new Date(), new Date(Date.now() + 60_000));
    await ws.write("dist/out.js", "built\n");
    await ws.write("app.tsbuildinfo", "{}\n");
    expect(await cache.key(ws.dir, plan)).toBe(key);
    await ws.write("src/b.ts", "export {};\n");
    expect(await cache.key(ws.dir, plan)).not.toBe(key);
  });

  test("installed dependencies count by what is installed, not by what tools write into node_modules", async () => {
    await using fixture = await setup();
    const { ws, plan, cache } = fixture;
    const bare = await cache.key(ws.dir, plan);
    await ws.write("node_modules/typescript/package.json", '{"version":"5.9.3"}\n');
    const installed = await cache.key(ws.dir, plan);
    expect(installed).not.toBe(bare); // `npm install` in a fresh clone
    await ws.write("node_modules/.vite/deps/_metadata.json", "{}\n");
    await ws.write("node_modules/typescript/lib/cache.txt", "x\n");
    expect(await cache.key(ws.dir, plan)).toBe(installed);
    await ws.write("node_modules/.package-lock.json", '{"lockfileVersion":3}\n');
    expect(await cache.key(ws.dir, plan)).not.toBe(installed); // npm recorded an install
  });

  test("a different command is a different key", async () => {
    await using fixture = await setup();
    const { ws, plan, cache } = fixture;
    const other = { ...plan, checks: plan.checks.map((c) => ({ ...c, args: [...c.args, "--strict"] })) };
    expect(await cache.key(ws.dir, other)).not.toBe(await cache.key(ws.dir, plan));
  });
});

describe("a cache never breaks a run", () => {
  test("a stored run comes back as it was", async () => {
    await using fixture = await setup();
    const { ws, plan, cache } = fixture;
    const key = await cache.key(ws.dir, plan);
    await cache.put(key, run);
    expect(await cache.get(key)).toEqual(run);
  });

  test("an entry that is not JSON, or not the shape of a run, is a miss", async () => {
    await using state = await createWorkspace({ template: "empty" });
    const dir = path.join(state.dir, "baselines");
    const cache = createBaselineCache(dir);
    await cache.put("a", run);
    await writeFile(path.join(dir, "a.json"), "{\"ok\": tru");
    expect(await cache.get("a")).toBeNull();
    await writeFile(path.join(dir, "a.json"), JSON.stringify({ ok: true }));
    expect(await cache.get("a")).toBeNull();
    await writeFile(path.join(dir, "a.json"), JSON.stringify({ ...run, checks: [{ ...run.checks[0], diagnostics: "none" }] }));
    expect(await cache.get("a")).toBeNull();
  });

  test("a cache folder that cannot be made: get misses, put rejects (the baseline ignores it)", async () => {
    await using ws = await createWorkspace({ template: "empty", files: { "baselines": "a file where the folder goes\n" } });
    const cache = createBaselineCache(path.join(ws.dir, "baselines"));
    expect(await cache.get("a")).toBeNull();
    await expect(cache.put("a", run)).rejects.toThrow();
    expect(await ws.read("baselines")).toBe("a file where the folder goes\n");
  });
});
