// Writes the JSON Schemas of smol-coder.config.json and of a task to the repo root, so editors can
// check and complete config and task files. Run after changing ConfigFileSchema or TaskSchema:
//   bun scripts/gen-config-schema.ts
// test/core/config-schema.test.ts fails if a committed file differs from what this would write now.
// `smol-coder schema` prints the config schema, for a copy next to a project's own config file.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { renderConfigSchema } from "../src/core/config-schema.ts";
import { TaskSchema } from "../src/core/types.ts";

export { renderConfigSchema };
export const SCHEMA_PATH = path.resolve(import.meta.dir, "../../smol-coder.config.schema.json");
export const TASK_SCHEMA_PATH = path.resolve(import.meta.dir, "../../smol-coder.task.schema.json");

/** The JSON Schema of one task as the user writes it (the input side of TaskSchema's transforms). */
export function renderTaskSchema(): string {
  const { $schema, ...rest } = z.toJSONSchema(TaskSchema, { target: "draft-2020-12", io: "input" });
  const schema = {
    $schema,
    title: "smol-coder task",
    description: "One task for smol-coder, from --file or stdin. A file may also hold a JSON array of tasks, or one task per line.",
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (import.meta.main) {
  await writeFile(SCHEMA_PATH, renderConfigSchema());
  await writeFile(TASK_SCHEMA_PATH, renderTaskSchema());
  console.log(`wrote ${SCHEMA_PATH} and ${TASK_SCHEMA_PATH}`);
}
