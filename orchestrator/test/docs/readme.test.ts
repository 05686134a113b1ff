// The README says what the code does: its commands use the installed `smol-coder`, and its
// tables of env vars and events and its config example match the sources they describe.
import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CONFIG_EXAMPLE, ConfigFileSchema } from "../../src/core/config-schema.ts";
import { MODEL_ENV_FOR_TIER } from "../../src/core/defaults.ts";
import { EnvSchema } from "../../src/core/env.ts";
import { EVENT_LEVEL } from "../../src/core/events.ts";
import { USAGE } from "../../src/cli/args.ts";

const README = await readFile(path.resolve(import.meta.dir, "../../../README.md"), "utf8");
const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));

test("every shell example runs the command as it is installed, never the source file", () => {
  const shell = blocks.filter((b) => b.lang === "bash" || b.lang === "");
  expect(shell.filter((b) => /src\/index\.ts/.test(b.body)).map((b) => b.body)).toEqual([]);
  const runs = shell.flatMap((b) => b.body.split("\n")).filter((l) => /(^|\| |\$ |&& )smol-coder /.test(l.trim()));
  expect(runs.length).toBeGreaterThanOrEqual(5);
  // The first task needs no pipe: on a terminal the output is pretty already.
  expect(README).toContain("| smol-coder --workspace ~/code/my-app\n```");
});

test("the env table lists every variable smol-coder reads", () => {
  const table = README.slice(README.indexOf("### Environment variables"), README.indexOf("### Config file"));
  for (const name of [...Object.keys(EnvSchema.shape), ...Object.values(MODEL_ENV_FOR_TIER)]) expect(table).toContain(`\`${name}\``);
});

test("--help names every variable of the README's env table", () => {
  const table = README.slice(README.indexOf("### Environment variables"), README.indexOf("### Config file"));
  const names = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]!);
  expect(names.length).toBeGreaterThan(10);
  expect(names.filter((n) => !USAGE.includes(n))).toEqual([]);
});

test("the events table lists every event", () => {
  const table = README.slice(README.indexOf("| event | when | fields |"), README.indexOf("Reading logs:"));
  for (const name of Object.keys(EVENT_LEVEL)) expect(table).toContain(`\`${name}\``);
});

test("the config example is the one the code checks, and its $schema is what `smol-coder schema` writes", () => {
  const json = blocks.find((b) => b.lang === "json" && b.body.includes('"$schema"'))!;
  const parsed = JSON.parse(json.body);
  expect(ConfigFileSchema.safeParse(parsed).success).toBe(true);
  expect(parsed).toEqual(JSON.parse(JSON.stringify(CONFIG_EXAMPLE)));
  expect(README).toContain(`smol-coder schema > ${parsed.$schema.replace("./", "")}`);
});
