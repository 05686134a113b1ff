import { afterEach, describe, expect, test } from "bun:test";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { CONFIG_FILE_NAME } from "../../src/core/config-schema.ts";
import { loadConfig, scriptTimeoutMs } from "../../src/core/config.ts";
import { DEFAULT_LIMITS, DEFAULT_TIERS, MODEL_FOR_TIER } from "../../src/core/defaults.ts";
import { parseEnv } from "../../src/core/env.ts";
import { TIERS, type Tier } from "../../src/core/types.ts";
import { load, refusal, removeTempDirs, tempDir, workspaceWith } from "../../testing/config-fixture.ts";

afterEach(removeTempDirs);

describe("defaults", () => {
  test("with no config file, no env and no flags, the seed's numbers come back", async () => {
    const ws = await tempDir();
    const cfg = await load(ws);
    expect(cfg.source).toBeNull();
    // The seed's numbers themselves are pinned in defaults.test.ts.
    expect(cfg.limits).toEqual(DEFAULT_LIMITS);
    expect(cfg.tiers).toEqual(DEFAULT_TIERS);
    for (const tier of TIERS) {
      expect(cfg.tiers[tier].model).toBe(MODEL_FOR_TIER[tier]);
      expect(cfg.tiers[tier].temperature).toBe(0.2);
      expect(cfg.tiers[tier].maxTokens).toBe(4096);
    }
    expect(cfg.tiers.fast.contextWindow).toBe(16_384);
    expect(cfg.tiers.deep.contextWindow).toBe(32_768);
    expect(cfg.tiers.reviewer.contextWindow).toBe(16_384);
    expect(cfg.verify).toEqual({ scripts: ["typecheck", "lint", "build"], timeouts: {}, strict: false });
    expect(cfg.logs).toEqual({ dir: null, keep: 200 });
    expect(cfg.git).toEqual({ commit: false });
    expect(cfg.context).toEqual({ imports: true, facts: true });
  });
});

describe("config file", () => {
  test("a full file is read and every value lands in the resolved config", async () => {
    const ws = await workspaceWith({
      tiers: { fast: { model: "qwen2.5-coder:7b-instruct", concurrency: 8, temperature: 0 }, deep: { contextWindow: 65_536 } },
      escalation: { attemptsPerTier: 3, maxTotalAttempts: 7, deepStartFiles: 10, deepStartChars: 2000 },
      maxPatchLines: 500,
      verify: { scripts: ["typecheck", "test"], timeoutMs: 90_000, timeouts: { test: 300_000 }, strict: true },
      logs: { dir: "run-logs", keep: 50 },
      context: { facts: false },
    });
    const cfg = await load(ws);
    expect(cfg.source).toBe(path.join(ws, CONFIG_FILE_NAME));
    expect(cfg.tiers.fast).toEqual({ model: "qwen2.5-coder:7b-instruct", concurrency: 8, contextWindow: 16_384, temperature: 0, maxTokens: 4096, tokenizer: "qwen2.5" });
    expect(cfg.tiers.deep.contextWindow).toBe(65_536);
    expect(cfg.tiers.reviewer).toEqual(DEFAULT_TIERS.reviewer);
    expect(cfg.limits).toEqual({
      maxPatchLines: 500,
      attemptsPerTier: 3,
      maxTotalAttempts: 7,
      deepStartFiles: 10,
      deepStartChars: 2000,
      verifyTimeoutMs: 90_000,
      concurrency: { fast: 8, deep: 1, reviewer: 2 },
    });
    expect(cfg.verify).toEqual({ scripts: ["typecheck", "test"], timeouts: { test: 300_000 }, strict: true });
    expect(scriptTimeoutMs(cfg, "test")).toBe(300_000);
    expect(scriptTimeoutMs(cfg, "typecheck")).toBe(90_000);
    expect(cfg.logs).toEqual({ dir: path.join(ws, "run-logs"), keep: 50 });
    expect(cfg.context).toEqual({ imports: true, facts: false });
  });

  test("--config PATH is used instead of the workspace file", async () => {
    const ws = await workspaceWith({ maxPatchLines: 100 });
    const other = path.join(await tempDir(), "elsewhere.json");
    await writeFile(other, JSON.stringify({ maxPatchLines: 200 }));
    const cfg = await load(ws, { config: other });
    expect(cfg.source).toBe(other);
    expect(cfg.limits.maxPatchLines).toBe(200);
  });

  test("--config naming a missing file is refused with the path", async () => {
    const ws = await tempDir();
    const missing = path.join(ws, "nope.json");
    const err = await refusal(load(ws, { config: missing }));
    expect(err.message).toContain(missing);
    expect(err.message).toContain("no such file");
  });

  test("a config file that starts with a byte-order mark is read like one without", async () => {
    const ws = await workspaceWith('\uFEFF{ "verify": { "strict": true } }');
    expect((await load(ws)).verify.strict).toBe(true);
  });

  test("invalid JSON is refused with the path and the parse message", async () => {
    const ws = await workspaceWith('{ "maxPatchLines": 300, }');
    const err = await refusal(load(ws));
    expect(err.message).toContain(path.join(ws, CONFIG_FILE_NAME));
    expect(err.message).toContain("not valid JSON");
    let parseMessage = "";
    try {
      JSON.parse('{ "maxPatchLines": 300, }');
    } catch (e) {
      parseMessage = (e as Error).message;
    }
    expect(err.message).toContain(parseMessage);
  });

  const badValues: { name: string; config: unknown; where: string; reason: string }[] = [
    { name: "concurrency too big", config: { tiers: { fast: { concurrency: 65 } } }, where: "tiers.fast.concurrency", reason: "Too big: expected number to be <=64" },
    { name: "concurrency not whole", config: { tiers: { deep: { concurrency: 1.5 } } }, where: "tiers.deep.concurrency", reason: "expected int" },
    { name: "empty model", config: { tiers: { reviewer: { model: "  " } } }, where: "tiers.reviewer.model", reason: "Too small" },
    { name: "temperature above 2", config: { tiers: { deep: { temperature: 3 } } }, where: "tiers.deep.temperature", reason: "<=2" },
    { name: "context window too small", config: { tiers: { fast: { contextWindow: 100 } } }, where: "tiers.fast.contextWindow", reason: ">=512" },
    { name: "maxTokens as a string", config: { tiers: { fast: { maxTokens: "4096" } } }, where: "tiers.fast.maxTokens", reason: "expected number" },
    { name: "maxTokens not below the window", config: { tiers: { fast: { contextWindow: 4096 } } }, where: "tiers.fast.contextWindow", reason: "must be less than contextWindow" },
    { name: "zero attempts per tier", config: { escalation: { attemptsPerTier: 0 } }, where: "escalation.attemptsPerTier", reason: ">=1" },
    { name: "attempts per tier above total", config: { escalation: { attemptsPerTier: 6 } }, where: "escalation.attemptsPerTier", reason: "must be <= maxTotalAttempts (5)" },
    { name: "negative deepStartFiles", config: { escalation: { deepStartFiles: -1 } }, where: "escalation.deepStartFiles", reason: ">=0" },
    { name: "maxPatchLines zero", config: { maxPatchLines: 0 }, where: "maxPatchLines", reason: ">=1" },
    { name: "empty script name", config: { verify: { scripts: ["lint", ""] } }, where: "verify.scripts[1]", reason: "Too small" },
    { name: "script listed twice", config: { verify: { scripts: ["lint", "lint"] } }, where: "verify.scripts[1]", reason: "listed twice" },
    { name: "timeout in seconds by mistake", config: { verify: { timeoutMs: 60 } }, where: "verify.timeoutMs", reason: ">=1000" },
    { name: "per-script timeout too big", config: { verify: { timeouts: { lint: 4_000_000 } } }, where: "verify.timeouts.lint", reason: "<=3600000" },
    { name: "timeout for an unlisted script", config: { verify: { timeouts: { tset: 5000 } } }, where: "verify.timeouts.tset", reason: "not one of verify.scripts" },
    { name: "strict as a string", config: { verify: { strict: "yes" } }, where: "verify.strict", reason: "expected boolean" },
    { name: "logs.keep zero", config: { logs: { keep: 0 } }, where: "logs.keep", reason: ">=1" },
    { name: "a typo in context", config: { context: { import: false } }, where: "context", reason: "import" },
    { name: "tiers not an object", config: { tiers: [] }, where: "tiers", reason: "expected object" },
  ];
  test.each(badValues)("a bad value is refused with file and JSON path: $name", async ({ config, where, reason }) => {
    const ws = await workspaceWith(config);
    const err = await refusal(load(ws));
    const line = err.message.split("\n").find((l) => l.startsWith(`${path.join(ws, CONFIG_FILE_NAME)}: ${where}: `));
    expect({ line: line !== undefined, message: err.message }).toEqual({ line: true, message: err.message });
    expect(line).toContain(reason);
  });

  test("the message lists every bad value, one per line", async () => {
    const ws = await workspaceWith({ tiers: { fast: { concurrency: 65 } }, logs: { keep: 0 } });
    const err = await refusal(load(ws));
    const file = path.join(ws, CONFIG_FILE_NAME);
    expect(err.message).toContain(`${file}: tiers.fast.concurrency: Too big: expected number to be <=64`);
    expect(err.message).toContain(`${file}: logs.keep: `);
  });

  test.each([
    { config: { maxPatchLine: 300 }, where: "(root)", key: "maxPatchLine" },
    { config: { tiers: { fast: { modle: "x" } } }, where: "tiers.fast", key: "modle" },
    { config: { tiers: { slow: {} } }, where: "tiers", key: "slow" },
    { config: { verify: { timeout: 1000 } }, where: "verify", key: "timeout" },
  ])("an unknown key is refused: $key", async ({ config, where, key }) => {
    const ws = await workspaceWith(config);
    const err = await refusal(load(ws));
    expect(err.message).toContain(`${path.join(ws, CONFIG_FILE_NAME)}: ${where}: Unrecognized key: "${key}"`);
  });

  test("a config file path that is a folder is refused, not ignored", async () => {
    const ws = await tempDir();
    await mkdir(path.join(ws, CONFIG_FILE_NAME));
    const err = await refusal(load(ws));
    expect(err.message).toContain(path.join(ws, CONFIG_FILE_NAME));
  });
});

describe("precedence: flags > env > config file > defaults", () => {
  // The same setting (the default verification timeout) set at each level in combinations.
  const FILE = 120_000;
  const ENV = 90_000;
  const FLAG = 30_000;
  const cases: { file: boolean; env: boolean; flag: boolean; want: number }[] = [
    { file: false, env: false, flag: false, want: 60_000 },
    { file: true, env: false, flag: false, want: FILE },
    { file: false, env: true, flag: false, want: ENV },
    { file: true, env: true, flag: false, want: ENV },
    { file: false, env: false, flag: true, want: FLAG },
    { file: true, env: false, flag: true, want: FLAG },
    { file: false, env: true, flag: true, want: FLAG },
    { file: true, env: true, flag: true, want: FLAG },
  ];
  test.each(cases)("file=$file env=$env flag=$flag -> $want", async ({ file, env, flag, want }) => {
    const ws = file ? await workspaceWith({ verify: { timeoutMs: FILE } }) : await tempDir();
    const cfg = await load(ws, flag ? { verifyTimeoutMs: FLAG } : {}, env ? { VERIFY_TIMEOUT_MS: String(ENV) } : {});
    expect(cfg.limits.verifyTimeoutMs).toBe(want);
    expect(scriptTimeoutMs(cfg, "lint")).toBe(want);
  });

  test("env explicitly set to the default value still beats the file", async () => {
    const ws = await workspaceWith({ verify: { timeoutMs: FILE } });
    const cfg = await load(ws, {}, { VERIFY_TIMEOUT_MS: "60000" });
    expect(cfg.limits.verifyTimeoutMs).toBe(60_000);
  });

  test("empty env values count as unset", async () => {
    const ws = await workspaceWith({ verify: { timeoutMs: FILE }, tiers: { fast: { model: "from-file" } } });
    const cfg = await load(ws, {}, { VERIFY_TIMEOUT_MS: "", SMOL_MODEL_FAST: "" });
    expect(cfg.limits.verifyTimeoutMs).toBe(FILE);
    expect(cfg.tiers.fast.model).toBe("from-file");
  });

  test("without rawEnv, a parsed env value that differs from the default still wins over the file", async () => {
    const ws = await workspaceWith({ verify: { timeoutMs: FILE } });
    const env = parseEnv({ VERIFY_TIMEOUT_MS: String(ENV) });
    expect((await loadConfig({ workspace: ws, flags: {}, env })).limits.verifyTimeoutMs).toBe(ENV);
    expect((await loadConfig({ workspace: ws, flags: {}, env: parseEnv({}) })).limits.verifyTimeoutMs).toBe(FILE);
  });

  test("a per-script timeout in the file beats the resolved default", async () => {
    const ws = await workspaceWith({ verify: { timeouts: { build: 600_000 } } });
    const cfg = await load(ws, { verifyTimeoutMs: FLAG }, { VERIFY_TIMEOUT_MS: String(ENV) });
    expect(scriptTimeoutMs(cfg, "build")).toBe(600_000);
    expect(scriptTimeoutMs(cfg, "lint")).toBe(FLAG);
  });

  test("a bad --verify-timeout-ms is refused", async () => {
    const ws = await tempDir();
    for (const bad of [0, 999, 1.5, Number.NaN, 3_600_001]) {
      const err = await refusal(load(ws, { verifyTimeoutMs: bad }));
      expect(err.message).toContain("--verify-timeout-ms");
    }
  });

  test.each([
    { label: "neither", file: undefined, flag: undefined, want: false },
    { label: "file true", file: true, flag: undefined, want: true },
    { label: "file false, flag true", file: false, flag: true, want: true },
    { label: "file true, flag false", file: true, flag: false, want: false },
  ])("strict: $label -> $want", async ({ file, flag, want }) => {
    const ws = file === undefined ? await tempDir() : await workspaceWith({ verify: { strict: file } });
    const cfg = await load(ws, flag === undefined ? {} : { strict: flag });
    expect(cfg.verify.strict).toBe(want);
  });

  test("SMOL_LOG_DIR beats logs.dir from the file", async () => {
    const ws = await workspaceWith({ logs: { dir: "from-file" } });
    expect((await load(ws)).logs.dir).toBe(path.join(ws, "from-file"));
    expect((await load(ws, {}, { SMOL_LOG_DIR: "/var/log/smol" })).logs.dir).toBe("/var/log/smol");
  });

  test("git.commit: --commit and --no-commit beat the file, which beats the default", async () => {
    const on = await workspaceWith({ git: { commit: true } });
    expect((await load(on)).git.commit).toBe(true);
    expect((await load(on, { commit: false })).git.commit).toBe(false);
    const off = await tempDir();
    expect((await load(off)).git.commit).toBe(false);
    expect((await load(off, { commit: true })).git.commit).toBe(true);
    expect((await refusal(load(await workspaceWith({ git: { commit: "yes" } })))).message).toContain("git.commit:");
    expect((await refusal(load(await workspaceWith({ git: { branch: "x" } })))).message).toContain("git");
  });

  test("tier model env vars override the file, per tier", async () => {
    const ws = await workspaceWith({ tiers: { fast: { model: "file-fast" }, deep: { model: "file-deep" } } });
    const cfg = await load(ws, {}, { SMOL_MODEL_FAST: "qwen2.5-coder:7b-instruct", SMOL_MODEL_REVIEWER: "qwen2.5:7b-instruct" });
    const models = Object.fromEntries(TIERS.map((t: Tier) => [t, cfg.tiers[t].model]));
    expect(models).toEqual({ fast: "qwen2.5-coder:7b-instruct", deep: "file-deep", reviewer: "qwen2.5:7b-instruct" });
  });
});

describe("tokenizer", () => {
  test("named in the file it is used; otherwise it follows the model's name", async () => {
    const ws = await workspaceWith({ tiers: { fast: { tokenizer: "estimate" }, deep: { model: "llama3.1:8b" } } });
    const cfg = await load(ws, {}, { SMOL_MODEL_REVIEWER: "qwen3:8b" });
    expect(TIERS.map((t) => cfg.tiers[t].tokenizer)).toEqual(["estimate", "estimate", "qwen2.5"]);
  });

  test("an unknown tokenizer is refused with its path", async () => {
    const ws = await workspaceWith({ tiers: { fast: { tokenizer: "llama" } } });
    const err = await refusal(load(ws));
    expect(err.message).toContain("tiers.fast.tokenizer");
  });
});
