import { afterEach, describe, expect, test } from "bun:test";
import fs from "node:fs/promises";
import path from "node:path";
import { runDoctor } from "../../../src/cli/doctor/index.ts";
import { doctorServer, check, expectFixes, failing, options, removeTempDirs, tmpDir } from "../../../testing/doctor-fixture.ts";

afterEach(removeTempDirs);

describe("writable dirs", () => {
  test("unwritable log dir (a path under a regular file) fails; state dir likewise", async () => {
    await using server = await doctorServer();
    const root = await tmpDir();
    const file = path.join(root, "not-a-dir");
    await fs.writeFile(file, "x");

    const result = await runDoctor(await options(server, { logDir: path.join(file, "logs") }));
    expect(failing(result.checks)).toEqual(["log dir"]);
    const log = check(result.checks, "log dir");
    expect(log.detail).toContain("ENOTDIR");
    expect(log.fix).toContain("SMOL_LOG_DIR");
    expectFixes(result.checks);

    const state = await runDoctor(await options(server, { stateDir: file }));
    expect(failing(state.checks)).toEqual(["state dir"]);
    expectFixes(state.checks);
    expect(await Bun.file(file).text()).toBe("x");
  });
});
