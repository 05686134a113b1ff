import { describe, expect, test } from "bun:test";
import { parseCliArgs, USAGE } from "../../src/cli/args.ts";
import { closest, editDistance } from "../../src/cli/closest.ts";
import { MODEL_ENV_FOR_TIER } from "../../src/core/defaults.ts";
import { EnvSchema } from "../../src/core/env.ts";
import { InputError } from "../../src/core/errors.ts";

describe("parseCliArgs", () => {
  test("run, doctor, help and version", () => {
    expect(parseCliArgs(["--workspace", "/w", "--file", "t.json"])).toMatchObject({ command: "run", workspace: "/w", file: "t.json", strict: undefined, dryRun: false, keepFailed: false });
    expect(parseCliArgs(["-w", "/w", "--verify-timeout-ms", "1500", "--result-file", "r.json", "--dry-run", "-c", "c.json"])).toMatchObject({
      verifyTimeoutMs: 1500,
      resultFile: "r.json",
      dryRun: true,
      config: "c.json",
    });
    expect(parseCliArgs(["-w", "/w", "--strict"])).toMatchObject({ command: "run", strict: true, restoreJournal: false });
    expect(parseCliArgs(["-w", "/w", "--restore-journal"])).toMatchObject({ command: "run", restoreJournal: true });
    expect(parseCliArgs(["doctor"])).toMatchObject({ command: "doctor", workspace: undefined });
    expect(parseCliArgs(["doctor", "--workspace", "/w"])).toMatchObject({ command: "doctor", workspace: "/w" });
    expect(parseCliArgs(["--help"]).command).toBe("help");
    expect(parseCliArgs(["-v"]).command).toBe("version");
  });

  test("commits: --branch and --commit-dirty imply --commit; --no-commit says no; no flag leaves the config's say", () => {
    expect(parseCliArgs(["-w", "/w"])).toMatchObject({ commit: undefined, commitDirty: false, branch: undefined, resume: undefined });
    expect(parseCliArgs(["-w", "/w", "--commit"]).commit).toBe(true);
    expect(parseCliArgs(["-w", "/w", "--no-commit"]).commit).toBe(false);
    expect(parseCliArgs(["-w", "/w", "--branch", "smol/x"])).toMatchObject({ commit: true, branch: "smol/x" });
    expect(parseCliArgs(["-w", "/w", "--commit-dirty"])).toMatchObject({ commit: true, commitDirty: true });
    expect(parseCliArgs(["-w", "/w", "--resume", "r.json"])).toMatchObject({ resume: "r.json", commit: undefined });
  });

  const refused: Array<[string[], RegExp]> = [
    [[], /--workspace/],
    [["--workspace"], /workspace/],
    [["-w", "/w", "--nope"], /--nope/],
    [["--worspace", "/w"], /^unknown option "--worspace"; did you mean --workspace\?\nRun smol-coder --help for usage\.$/],
    [["-w", "/w", "--dry"], /unknown option "--dry"; did you mean --dry-run\?/],
    [["-w", "/w", "--no-check"], /unknown option "--no-check"; did you mean --no-checks\?/],
    [["-w", "/w", "--keepfailed=1"], /unknown option "--keepfailed"; did you mean --keep-failed\?/],
    [["-w", "/w", "-x"], /unknown option "-x"/],
    [["doctr"], /unknown command "doctr"; did you mean doctor\?/],
    [["-w", "/w", "--dry-run=yes"], /--dry-run takes no value/],
    [["-w"], /--workspace needs a value/],
    [["frob"], /unknown command "frob"/],
    [["doctor", "extra"], /unexpected argument/],
    [["-w", "/w", "--verify-timeout-ms", "soon"], /whole number/],
    [["-w", "/w", "--verify-timeout-ms", "500"], /--verify-timeout-ms must be a whole number of milliseconds from 1000 to 3600000, got "500"/],
    [["-w", "/w", "--dry-run", "--keep-failed"], /cannot be used together/],
    [["-w", "/w", "--commit", "--no-commit"], /--commit and --no-commit cannot be used together/],
    [["-w", "/w", "--branch", "b", "--no-commit"], /--branch commits each task/],
    [["-w", "/w", "--commit-dirty", "--no-commit"], /--commit-dirty cannot be used with --no-commit/],
    [["-w", "/w", "--branch", "b", "--keep-failed"], /--keep-failed cannot be used with --branch/],
    [["-w", "/w", "--branch", " "], /--branch needs a branch name/],
    [["-w", "/w", "--resume", ""], /--resume needs the result file/],
  ];
  for (const [argv, message] of refused) {
    test(`refuses ${JSON.stringify(argv)}`, () => {
      expect(() => parseCliArgs(argv)).toThrow(message);
      expect(() => parseCliArgs(argv)).toThrow(InputError);
    });
  }
});

describe("--help", () => {
  test("lists every environment variable smol-coder reads, and an example", () => {
    for (const name of [...Object.keys(EnvSchema.shape), ...Object.values(MODEL_ENV_FOR_TIER)]) expect(USAGE).toContain(name);
    expect(USAGE).toMatch(/Example:\n {2}echo '\{"description": .*\| smol-coder --workspace /s);
    expect(USAGE).not.toContain("bun run src/index.ts");
  });

  test("says that --dry-run still runs the checks, which rewrite build output", () => {
    expect(USAGE).toMatch(/--dry-run[\s\S]*dist\//);
  });
});

describe("closest", () => {
  test("a known word the typed text starts with wins; otherwise the fewest edits", () => {
    expect(closest("--ver", ["--verify-timeout-ms", "--version"])).toBe("--version");
    expect(closest("--verify", ["--verify-timeout-ms", "--version"])).toBe("--verify-timeout-ms");
    expect(closest("--verison", ["--verify-timeout-ms", "--version"])).toBe("--version");
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
