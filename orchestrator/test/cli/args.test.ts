import { describe, expect, test } from "bun:test";
import { parseCliArgs, parseEnv, parseTask, readTaskText } from "../../src/cli/args.ts";
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
    expect(parseCliArgs(["-w", "/w", "--strict"])).toMatchObject({ command: "run", strict: true });
    expect(parseCliArgs(["doctor"])).toMatchObject({ command: "doctor", workspace: undefined });
    expect(parseCliArgs(["doctor", "--workspace", "/w"])).toMatchObject({ command: "doctor", workspace: "/w" });
    expect(parseCliArgs(["--help"]).command).toBe("help");
    expect(parseCliArgs(["-v"]).command).toBe("version");
  });

  const refused: Array<[string[], RegExp]> = [
    [[], /--workspace/],
    [["--workspace"], /workspace/],
    [["-w", "/w", "--nope"], /--nope/],
    [["frob"], /unknown command "frob"/],
    [["doctor", "extra"], /unexpected argument/],
    [["-w", "/w", "--verify-timeout-ms", "soon"], /whole number/],
    [["-w", "/w", "--dry-run", "--keep-failed"], /cannot be used together/],
  ];
  for (const [argv, message] of refused) {
    test(`refuses ${JSON.stringify(argv)}`, () => {
      expect(() => parseCliArgs(argv)).toThrow(message);
      expect(() => parseCliArgs(argv)).toThrow(InputError);
    });
  }
});

describe("parseTask", () => {
  test("normalises paths and drops duplicates", () => {
    expect(parseTask(JSON.stringify({ description: " do it ", filesOwned: ["./src/a.ts", "src/a.ts", "src\\b.ts"] }), "stdin")).toEqual({
      description: "do it",
      filesOwned: ["src/a.ts", "src/b.ts"],
    });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ["absolute", { description: "x", filesOwned: ["/abs.ts"] }, /filesOwned\.0: path must be relative/],
    ["windows absolute", { description: "x", filesOwned: ["C:\\x.ts"] }, /relative/],
    ["dot-dot", { description: "x", filesOwned: ["a/../../b.ts"] }, /'\.\.'/],
    ["empty list", { description: "x", filesOwned: [] }, /at least one/],
    ["empty path", { description: "x", filesOwned: [""] }, /must not be empty/],
    ["dot", { description: "x", filesOwned: ["."] }, /name a file/],
    ["empty description", { description: "", filesOwned: ["a.ts"] }, /description/],
    ["wrong type", { description: "x", filesOwned: "a.ts" }, /filesOwned/],
    ["empty verify list", { description: "x", filesOwned: ["a.ts"], verify: [] }, /verify/],
  ];
  for (const [name, task, message] of refused) {
    test(`refuses ${name}`, () => expect(() => parseTask(JSON.stringify(task), "t.json")).toThrow(message));
  }

  test("says where an unparsable task came from", () => {
    expect(() => parseTask("{", "task.json")).toThrow(/task from task\.json is not valid JSON/);
    expect(() => parseTask("  \n", "stdin")).toThrow(/from stdin is empty/);
  });
});

describe("readTaskText", () => {
  test("refuses to wait on an interactive terminal", async () => {
    await expect(readTaskText({ stdin: { isTTY: true, text: async () => "" } })).rejects.toThrow(/pipe task JSON/);
  });
  test("reads stdin when no file is given", async () => {
    expect(await readTaskText({ stdin: { isTTY: false, text: async () => "{}" } })).toBe("{}");
  });
});

describe("parseEnv", () => {
  test("defaults are the seed's", () => {
    expect(parseEnv({})).toMatchObject({
      LITELLM_URL: "http://localhost:4000/v1",
      LITELLM_API_KEY: "dev-key",
      LOG_LEVEL: "info",
      VERIFY_TIMEOUT_MS: 60_000,
      MODEL_TIMEOUT_MS: 300_000,
    });
  });
  test("empty values count as unset; bad values are refused by name", () => {
    expect(parseEnv({ LITELLM_URL: "" }).LITELLM_URL).toBe("http://localhost:4000/v1");
    expect(() => parseEnv({ VERIFY_TIMEOUT_MS: "soon" })).toThrow(/VERIFY_TIMEOUT_MS/);
    expect(() => parseEnv({ LITELLM_URL: "not a url" })).toThrow(/LITELLM_URL/);
    expect(() => parseEnv({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
});
