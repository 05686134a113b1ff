import { afterEach, describe, expect, test } from "bun:test";
import { runDoctor } from "../../../src/cli/doctor/index.ts";
import { doctorServer, check, failing, options, removeTempDirs } from "../../../testing/doctor-fixture.ts";

afterEach(removeTempDirs);

describe("tool checks", () => {
  test("patch missing: fails with an apt-get fix; git missing likewise", async () => {
    await using server = await doctorServer();
    const noPatch = await runDoctor(
      await options(server, { which: (cmd) => (cmd === "patch" ? null : Bun.which(cmd)) }),
    );
    expect(failing(noPatch.checks)).toEqual(["patch"]);
    expect(check(noPatch.checks, "patch").fix).toBe("apt-get install -y patch");
    expect(check(noPatch.checks, "git").detail).toBe(Bun.which("git")!);

    const noGit = await runDoctor(await options(server, { which: (cmd) => (cmd === "git" ? null : Bun.which(cmd)) }));
    expect(failing(noGit.checks)).toEqual(["git"]);
    expect(check(noGit.checks, "git").fix).toBe("apt-get install -y git");
  });
});
