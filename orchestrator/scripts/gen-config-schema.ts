// Writes the JSON Schema of smol-coder.config.json to the repo root, so editors can check and
// complete config files. Run after changing ConfigFileSchema:  bun scripts/gen-config-schema.ts
// test/core/config-schema.test.ts fails if the committed file differs from what this would write now.
// `smol-coder schema` prints the same text, for a copy next to a project's own config file.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { renderConfigSchema } from "../src/core/config-schema.ts";

export { renderConfigSchema };
export const SCHEMA_PATH = path.resolve(import.meta.dir, "../../smol-coder.config.schema.json");

if (import.meta.main) {
  await writeFile(SCHEMA_PATH, renderConfigSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
