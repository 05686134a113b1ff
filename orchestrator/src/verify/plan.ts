// Decides which verification commands to run in a workspace and with which package manager.
// Pure apart from reading package.json and listing lockfiles.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_VERIFY_SCRIPTS } from "../core/defaults.ts";

export type PackageManager = "bun" | "npm" | "pnpm" | "yarn";

export interface CheckSpec {
  name: string;
  command: string;
  args: string[];
  timeoutMs: number;
  /** Started only after these checks pass, because it would repeat their errors otherwise. */
  after: string[];
  /** "low" runs under `nice`, so the slowest check keeps a core to itself (see prioritize). */
  priority: "normal" | "low";
}

export interface CheckPlan {
  packageManager: PackageManager;
  checks: CheckSpec[];
  skipped: Array<{ check: string; reason: string }>;
}

/** Lockfiles in the order a project is most likely to mean them, when several are present. */
const LOCKFILES: Array<[string, PackageManager]> = [
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
];

function detectPackageManager(workspace: string): PackageManager {
  for (const [file, pm] of LOCKFILES) if (existsSync(path.join(workspace, file))) return pm;
  return "bun";
}

export interface PlanOptions {
  scripts?: readonly string[];
  /** Each script's timeout (core/config.ts scriptTimeoutMs resolves the config's). */
  timeoutFor: (script: string) => number;
  /** Path of the bun binary, so `bun run` works even when bun is not on PATH. */
  bunPath?: string;
}

export async function planChecks(workspace: string, options: PlanOptions): Promise<CheckPlan> {
  const pkg = await readPackageJson(workspace);
  const defined = pkg?.scripts ?? {};
  const pm = detectPackageManager(workspace);
  const yarnBerry = pm === "yarn" && (await readFile(path.join(workspace, "yarn.lock"), "utf8").catch(() => "")).includes("__metadata");
  const checks: CheckSpec[] = [];
  const skipped: CheckPlan["skipped"] = [];
  for (const name of options.scripts ?? DEFAULT_VERIFY_SCRIPTS) {
    const body = defined[name];
    if (typeof body !== "string") {
      skipped.push({ check: name, reason: pkg ? `no "${name}" script in package.json` : "no package.json" });
      continue;
    }
    checks.push({
      name,
      ...scriptCommand(pm, name, options.bunPath, yarnBerry),
      timeoutMs: options.timeoutFor(name),
      after: [],
      priority: "normal",
    });
  }
  // A build that runs tsc itself would only repeat the typecheck's errors: it waits for a pass.
  const typecheck = checks.find((c) => c.name === "typecheck");
  const build = checks.find((c) => c.name === "build");
  if (typecheck && build && /\btsc\b/.test(String(defined.build))) build.after.push("typecheck");
  return { packageManager: pm, checks: prioritize(checks), skipped };
}

/**
 * Checks run side by side, and the attempt waits for the slowest one. On a machine with fewer
 * cores than checks, a fair scheduler slows the slowest check down as much as the others, so
 * the wall time grows past it. Running every other check at a lower priority keeps the slowest
 * one on a core of its own, and the others share what is left: the wall time stays close to the
 * slowest check alone. The typecheck is taken as the slowest, which it is in most TypeScript
 * projects. (Choosing by measured durations was tried: they must come from checks run alone,
 * since in a prioritized parallel run the niced checks look slower than they are and the choice
 * flips back and forth; a sequential baseline to measure them costs more than it saves.)
 */
export function prioritize(checks: CheckSpec[]): CheckSpec[] {
  if (checks.length < 2) return checks.map((c) => ({ ...c, priority: "normal" }));
  const slowest = (checks.find((c) => c.name === "typecheck") ?? checks[0]!).name;
  return checks.map((c) => ({ ...c, priority: c.name === slowest ? "normal" : "low" }));
}

function scriptCommand(
  pm: PackageManager,
  script: string,
  bunPath?: string,
  yarnBerry = false,
): { command: string; args: string[] } {
  // --silent: bun and npm otherwise echo the script line, which would parse as an error line.
  if (pm === "bun") return { command: bunPath ?? "bun", args: ["run", "--silent", script] };
  if (pm === "npm") return { command: "npm", args: ["run", "--silent", script] };
  if (pm === "pnpm") return { command: "pnpm", args: ["run", "--silent", script] };
  // Yarn 2+ (a lockfile with __metadata) has no --silent and prints no script line anyway.
  if (yarnBerry) return { command: "yarn", args: ["run", script] };
  return { command: "yarn", args: ["--silent", "run", script] };
}

async function readPackageJson(workspace: string): Promise<{ scripts?: Record<string, unknown> } | null> {
  try {
    return JSON.parse(await readFile(path.join(workspace, "package.json"), "utf8"));
  } catch {
    return null;
  }
}
