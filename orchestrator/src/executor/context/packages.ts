// What the workspace's package.json says, and which versions are really installed: the input of
// the project facts. Every path read or probed is remembered for the facts cache.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface PackageJson {
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface PackageReader {
  /** The workspace's package.json, or null when it has none (or it is not JSON). */
  manifest: PackageJson | null;
  /** The declared range of a dependency of any kind, or null. */
  declared(name: string): string | null;
  /** The version in node_modules/<name>/package.json, or null when it is not installed. */
  installed(name: string): string | null;
  /** Whether a file exists at this workspace path. */
  exists(rel: string): boolean;
  readonly touched: Set<string>;
}

export function readPackages(root: string, touched = new Set<string>()): PackageReader {
  const readJson = (abs: string): Record<string, unknown> | null => {
    touched.add(abs);
    try {
      const json: unknown = JSON.parse(readFileSync(abs, "utf8"));
      return json && typeof json === "object" ? (json as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const manifest = readJson(path.join(root, "package.json")) as PackageJson | null;
  return {
    manifest,
    touched,
    declared(name) {
      for (const deps of [manifest?.dependencies, manifest?.devDependencies, manifest?.peerDependencies]) {
        const range = deps?.[name];
        if (typeof range === "string") return range;
      }
      return null;
    },
    installed(name) {
      const version = readJson(path.join(root, "node_modules", name, "package.json"))?.version;
      return typeof version === "string" ? version : null;
    },
    exists(rel) {
      const abs = path.join(root, rel);
      touched.add(abs);
      return statSync(abs, { throwIfNoEntry: false })?.isFile() ?? false;
    },
  };
}

/** The major version of an installed version or a plain range (^19.1.0, ~5.9, 19.x); null for >=18, workspace:, git and the like. */
export function majorOf(version: string): number | null {
  const m = /^\s*[\^~=v]?\s*(\d+)(?:\.|$)/.exec(version);
  return m ? Number(m[1]) : null;
}
