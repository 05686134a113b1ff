import { afterEach, describe, expect, test } from "bun:test";
import fs from "node:fs/promises";
import { formatDoctor, runDoctor } from "../../../src/cli/doctor/index.ts";
import { doctorServer, ALL_NAMES, check, failing, KEY, options, removeTempDirs } from "../../../testing/doctor-fixture.ts";

afterEach(removeTempDirs);

describe("runDoctor", () => {
  test("everything passes against a healthy server and a good workspace", async () => {
    await using server = await doctorServer({ apiKey: KEY });
    const opts = await options(server);
    const result = await runDoctor(opts);

    expect(result.checks.map((c) => c.name)).toEqual(ALL_NAMES);
    expect(failing(result.checks)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(check(result.checks, "litellm reachable").detail).toContain(server.origin);
    expect(check(result.checks, "models listed").detail).toContain("reviewer");
    expect(check(result.checks, "workspace").detail).toContain("typecheck yes, lint yes, build yes");

    // The dirs were created, and the probe files are gone again.
    expect(await fs.readdir(opts.stateDir)).toEqual([]);
    expect(await fs.readdir(opts.logDir)).toEqual([]);

    const out = formatDoctor(result);
    const lines = out.split("\n");
    expect(lines).toHaveLength(ALL_NAMES.length + 1);
    expect(lines[0]).toMatch(/^ok {3}config {13}no config file: the defaults \(models: fast fast-coder, deep deep-coder, reviewer reviewer; checks: typecheck, lint, build\)$/);
    expect(lines[1]).toMatch(/^ok {3}litellm reachable {2}http:\/\/127\.0\.0\.1:\d+/);
    expect(lines.at(-1)).toBe("all 13 checks passed");
    expect(out).not.toContain(KEY);
  });

  test("without a workspace the workspace check is left out; a trailing slash on the URL is fine", async () => {
    await using server = await doctorServer();
    const result = await runDoctor(await options({ url: `${server.url}/` }, { workspace: undefined }));
    expect(result.checks.map((c) => c.name)).toEqual(ALL_NAMES.filter((n) => n !== "workspace"));
    expect(result.ok).toBe(true);
  });
});

describe("formatDoctor", () => {
  test("aligned ok/FAIL lines with the fix, then a summary", () => {
    const out = formatDoctor({
      ok: false,
      checks: [
        { name: "litellm reachable", ok: true, detail: "http://localhost:4000" },
        { name: "git", ok: false, detail: "git not found on PATH", fix: "apt-get install -y git" },
      ],
    });
    expect(out.split("\n")).toEqual([
      "ok   litellm reachable  http://localhost:4000",
      "FAIL git                git not found on PATH — fix: apt-get install -y git",
      "1 of 2 checks failed: git",
    ]);
  });
});
