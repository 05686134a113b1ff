// Temp workspaces holding a config file, and loadConfig called the way the CLI calls it.
// A test file using them registers afterEach(removeTempDirs).
import { expect } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CONFIG_FILE_NAME } from "../src/core/config-schema.ts";
import { loadConfig, type ConfigFlags } from "../src/core/config.ts";
import { parseEnv } from "../src/core/env.ts";
import { InputError } from "../src/core/errors.ts";

const dirs: string[] = [];

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), "smol-config-"));
  dirs.push(d);
  return d;
}

export async function workspaceWith(config: unknown): Promise<string> {
  const ws = await tempDir();
  const text = typeof config === "string" ? config : JSON.stringify(config, null, 2);
  await writeFile(path.join(ws, CONFIG_FILE_NAME), text);
  return ws;
}

export function load(workspace: string, flags: ConfigFlags = {}, rawEnv: Record<string, string | undefined> = {}) {
  return loadConfig({ workspace, flags, env: parseEnv(rawEnv), rawEnv });
}

export async function refusal(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}
