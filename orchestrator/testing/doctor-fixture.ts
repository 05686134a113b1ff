// Shared by the doctor tests: temp workspaces and dirs, options pointing at a scripted model
// server, and helpers to pick checks out of a result. A test file using them registers
// afterEach(removeTempDirs).
import { expect } from "bun:test";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DoctorCheck, DoctorOptions } from "../src/cli/doctor/check.ts";
import { DEFAULT_VERIFY_SCRIPTS, MODEL_FOR_TIER } from "../src/core/defaults.ts";
import { reply, startModelServer, type ModelServer, type ModelServerOptions } from "./model-server.ts";

export const MODELS = Object.values(MODEL_FOR_TIER);
export const KEY = "sk-doctor-right-key-0001";
export const ALL_NAMES = [
  "config",
  "litellm reachable",
  "api key",
  "models listed",
  "model fast",
  "model deep",
  "model reviewer",
  "ollama models",
  "patch",
  "git",
  "workspace",
  "state dir",
  "log dir",
];

const tmpDirs: string[] = [];

export async function removeTempDirs(): Promise<void> {
  for (const dir of tmpDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
}

export async function tmpDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "smol-doctor-"));
  tmpDirs.push(dir);
  return dir;
}

export async function workspace(scripts: Record<string, string> | null): Promise<string> {
  const dir = await tmpDir();
  const pkg = scripts === null ? { name: "ws", private: true } : { name: "ws", private: true, scripts };
  await fs.writeFile(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  return dir;
}

/** A scripted proxy whose models all answer doctor's one-token call. */
export function doctorServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  return startModelServer({ defaultReply: reply.text("OK").finishReason("length"), ...opts });
}

const GOOD_SCRIPTS = { typecheck: "tsc --noEmit", lint: "eslint src", build: "vite build", dev: "vite" };

export async function options(server: ModelServer | { url: string }, over: Partial<DoctorOptions> = {}): Promise<DoctorOptions> {
  const root = await tmpDir();
  return {
    litellmUrl: server.url,
    apiKey: KEY,
    tierModels: { ...MODEL_FOR_TIER },
    config: { source: null },
    verifyScripts: DEFAULT_VERIFY_SCRIPTS,
    // Nothing answers there: a developer's own Ollama on localhost:11434 must not change the result.
    ollamaUrl: "http://127.0.0.1:9",
    workspace: await workspace(GOOD_SCRIPTS),
    stateDir: path.join(root, "state"),
    logDir: path.join(root, "logs", "nested"),
    timeoutMs: 2000,
    callTimeoutMs: 5000,
    ...over,
  };
}

export function check(checks: DoctorCheck[], name: string): DoctorCheck {
  const c = checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check named ${name}: ${checks.map((x) => x.name).join(", ")}`);
  return c;
}

/** Every failing check carries a non-empty one-line fix. */
export function expectFixes(checks: DoctorCheck[]): void {
  for (const c of checks.filter((x) => !x.ok)) {
    expect(c.fix, `fix for ${c.name}`).toBeString();
    expect(c.fix!.trim().length, `fix for ${c.name}`).toBeGreaterThan(10);
    expect(c.fix!).not.toContain("\n");
  }
}

export function failing(checks: DoctorCheck[]): string[] {
  return checks.filter((c) => !c.ok).map((c) => c.name);
}

/** A port nothing listens on: start a server, note its URL, stop it. */
export async function closedUrl(): Promise<string> {
  const s = await startModelServer();
  const url = s.url;
  await s.stop();
  return url;
}
