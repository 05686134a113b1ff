import { afterEach, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { renderConfigSchema, renderTaskSchema, SCHEMA_PATH, TASK_SCHEMA_PATH } from "../../scripts/gen-config-schema.ts";
import { CONFIG_EXAMPLE, CONFIG_FILE_NAME, ConfigFileSchema } from "../../src/core/config-schema.ts";
import { scriptTimeoutMs } from "../../src/core/config.ts";
import { DEFAULT_TIERS } from "../../src/core/defaults.ts";
import { TIERS } from "../../src/core/types.ts";
import { load, removeTempDirs, workspaceWith } from "../../testing/config-fixture.ts";

afterEach(removeTempDirs);

// The subset of JSON Schema that z.toJSONSchema emits for ConfigFileSchema, enough to check a
// document against the generated file without a validator dependency.
type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
};
function schemaErrors(schema: JsonSchema, value: unknown, at = "$"): string[] {
  const errors: string[] = [];
  const t = schema.type;
  if (t === "object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: not an object`];
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k];
      if (schema.propertyNames) errors.push(...schemaErrors(schema.propertyNames, k, `${at}{${k}}`));
      if (sub) errors.push(...schemaErrors(sub, v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === "object") errors.push(...schemaErrors(schema.additionalProperties, v, `${at}.${k}`));
    }
  } else if (t === "array") {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    value.forEach((v, i) => schema.items && errors.push(...schemaErrors(schema.items, v, `${at}[${i}]`)));
  } else if (t === "string") {
    if (typeof value !== "string") return [`${at}: not a string`];
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${at}: too short`);
  } else if (t === "integer" || t === "number") {
    if (typeof value !== "number" || (t === "integer" && !Number.isInteger(value))) return [`${at}: not an ${t}`];
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above maximum`);
  } else if (t === "boolean") {
    if (typeof value !== "boolean") return [`${at}: not a boolean`];
  }
  return errors;
}

describe("JSON Schema file and example", () => {
  test("the committed schema file equals what scripts/gen-config-schema.ts writes now", async () => {
    const committed = await readFile(SCHEMA_PATH, "utf8");
    expect(committed).toBe(renderConfigSchema());
    expect(committed.endsWith("}\n")).toBe(true);
  });

  test("the committed task schema equals what the script writes now, and lists every task field", async () => {
    const committed = await readFile(TASK_SCHEMA_PATH, "utf8");
    expect(committed).toBe(renderTaskSchema());
    const schema = JSON.parse(committed) as JsonSchema & { required: string[] };
    expect(Object.keys(schema.properties!).sort()).toEqual(["description", "filesOwned", "filesRead", "verify"]);
    expect(schema.required.sort()).toEqual(["description", "filesOwned"]);
    expect(schemaErrors(schema, { description: "x", filesOwned: ["a.ts"], filesRead: ["b.ts"] })).toEqual([]);
    expect(schemaErrors(schema, { description: "x", filesOwned: ["a.ts"], filesRed: ["b.ts"] })).toEqual(["$.filesRed: not allowed"]);
  });

  test("the schema is draft 2020-12 with a title, and its properties match the zod object", async () => {
    const schema = JSON.parse(await readFile(SCHEMA_PATH, "utf8"));
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(typeof schema.title).toBe("string");
    expect(typeof schema.description).toBe("string");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(ConfigFileSchema.shape).sort());
    expect(Object.keys(schema.properties.tiers.properties).sort()).toEqual([...TIERS].sort());
  });

  test("CONFIG_EXAMPLE passes the zod schema, the JSON Schema, and loads", async () => {
    expect(ConfigFileSchema.safeParse(CONFIG_EXAMPLE).success).toBe(true);
    const schema = JSON.parse(await readFile(SCHEMA_PATH, "utf8")) as JsonSchema;
    expect(schemaErrors(schema, CONFIG_EXAMPLE)).toEqual([]);
    // Every top-level key and every tier key is shown in the example.
    expect(Object.keys(CONFIG_EXAMPLE).sort()).toEqual(Object.keys(ConfigFileSchema.shape).sort());
    for (const tier of TIERS) expect(Object.keys(CONFIG_EXAMPLE.tiers[tier]).sort()).toEqual(Object.keys(DEFAULT_TIERS[tier]).sort());
    const ws = await workspaceWith(CONFIG_EXAMPLE);
    const cfg = await load(ws);
    expect(cfg.source).toBe(path.join(ws, CONFIG_FILE_NAME));
    expect(scriptTimeoutMs(cfg, "test")).toBe(180_000);
  });

  test("the JSON Schema refuses what zod refuses structurally", async () => {
    const schema = JSON.parse(await readFile(SCHEMA_PATH, "utf8")) as JsonSchema;
    for (const bad of [
      { maxPatchLine: 1 },
      { tiers: { fast: { concurrency: 65 } } },
      { verify: { scripts: [""] } },
      { verify: { timeouts: { lint: 10 } } },
      { logs: { keep: 1.5 } },
    ]) {
      expect(ConfigFileSchema.safeParse(bad).success).toBe(false);
      expect(schemaErrors(schema, bad)).not.toEqual([]);
    }
  });
});
