// The compiler options that apply to a file of the workspace, read the way tsc reads them
// (JSON with comments, `extends` chains, package configs such as @tsconfig/node22), by the
// compiler's own config parser. A solution-style tsconfig.json (Vite's: `files: []` and
// `references` to tsconfig.app.json and tsconfig.node.json) is followed to the project that
// holds the file.
import path from "node:path";
import type * as TS from "typescript";
import type { TypeScript } from "../../source/typescript.ts";
import { recordingHost, type RecordingHost } from "./host.ts";

export interface TsProject {
  /** The options after `extends`; {} when the workspace has no tsconfig.json. */
  options: TS.CompilerOptions;
  /** The tsconfig the options came from, relative to the workspace; null when there is none. */
  configFile: string | null;
}

export const NO_PROJECT: TsProject = { options: {}, configFile: null };

/** The project of `file` (relative; may not exist yet), or of the workspace as a whole when null. */
export function readTsProject(ts: TypeScript, root: string, file: string | null, host: RecordingHost): TsProject {
  const rootConfig = path.join(root, "tsconfig.json");
  if (!host.fileExists(rootConfig)) return NO_PROJECT;
  const raw = ts.readConfigFile(rootConfig, (p) => host.readFile(p)).config as { references?: Array<{ path?: string }> } | undefined;
  if (!raw) return NO_PROJECT;
  const references = (raw.references ?? []).flatMap((r) => (typeof r.path === "string" ? [referencedConfig(root, r.path, host)] : []));
  if (references.length > 0) {
    const own = projectHolding(ts, root, references, file, host);
    if (own) return own;
  }
  const parsed = ts.parseJsonConfigFileContent(raw, host, root, undefined, rootConfig);
  return { options: parsed.options, configFile: "tsconfig.json" };
}

function referencedConfig(root: string, ref: string, host: RecordingHost): string {
  const abs = path.resolve(root, ref);
  return abs.endsWith(".json") || host.fileExists(abs) ? abs : path.join(abs, "tsconfig.json");
}

/**
 * The referenced project that compiles `file`: the one whose file list holds it, else (for a file
 * that does not exist yet) the one holding a file in its folder or the nearest folder above.
 * Without a file, the first project that compiles anything under src/, else the first one.
 */
function projectHolding(ts: TypeScript, root: string, configs: string[], file: string | null, host: RecordingHost): TsProject | null {
  const lister = recordingHost(ts, true, host.touched);
  const parsed = configs.flatMap((config) => {
    if (!lister.fileExists(config)) return [];
    const json = ts.readConfigFile(config, (p) => lister.readFile(p)).config;
    if (!json) return [];
    const p = ts.parseJsonConfigFileContent(json, lister, path.dirname(config), undefined, config);
    return [{ config, options: p.options, files: p.fileNames.map((f) => path.relative(root, f)) }];
  });
  const project = (p: (typeof parsed)[number] | undefined) => (p ? { options: p.options, configFile: path.relative(root, p.config) } : null);
  if (file === null) return project(parsed.find((p) => p.files.some((f) => f.startsWith("src/"))) ?? parsed[0]);
  const exact = parsed.find((p) => p.files.includes(file));
  if (exact) return project(exact);
  for (let dir = path.posix.dirname(file); dir !== "." && dir !== "/"; dir = path.posix.dirname(dir)) {
    const near = parsed.find((p) => p.files.some((f) => f.startsWith(`${dir}/`)));
    if (near) return project(near);
  }
  return project(parsed[0]);
}
