import { afterEach, describe, expect, test } from "bun:test";
import fs from "node:fs/promises";
import path from "node:path";
import { runDoctor } from "../../../src/cli/doctor/index.ts";
import { doctorServer, check, expectFixes, failing, options, removeTempDirs, tmpDir, workspace } from "../../../testing/doctor-fixture.ts";

afterEach(removeTempDirs);

describe("workspace check", () => {
  test("workspace lacking scripts fails with the scripts block to add", async () => {
    await using server = await doctorServer();
    const ws = await workspace({ typecheck: "tsc --noEmit", dev: "vite" });
    const result = await runDoctor(await options(server, { workspace: ws }));
    expect(failing(result.checks)).toEqual(["workspace"]);
    const c = check(result.checks, "workspace");
    expect(c.detail).toContain("typecheck yes, lint no, build no");
    expect(c.fix).toContain('"scripts": {');
    expect(c.fix).toContain('"lint":');
    expect(c.fix).toContain('"build":');
    expect(c.fix).not.toContain('"typecheck":');
    expectFixes(result.checks);
  });

  test("workspace that is missing, a file, or has no package.json fails", async () => {
    await using server = await doctorServer();
    const root = await tmpDir();
    const file = path.join(root, "file.txt");
    await fs.writeFile(file, "x");
    const noPkg = await tmpDir();
    const badJson = await tmpDir();
    await fs.writeFile(path.join(badJson, "package.json"), "{ nope");
    const noScripts = await workspace(null);

    const cases: Array<[string, string]> = [
      [path.join(root, "missing"), "does not exist"],
      [file, "is not a directory"],
      [noPkg, "has no package.json"],
      [badJson, "not valid JSON"],
      [noScripts, "typecheck no, lint no, build no"],
    ];
    for (const [ws, expected] of cases) {
      const result = await runDoctor(await options(server, { workspace: ws }));
      expect(failing(result.checks)).toEqual(["workspace"]);
      expect(check(result.checks, "workspace").detail).toContain(expected);
      expectFixes(result.checks);
    }
  });
});
