// What `bun test` needs before the first test file loads (testing/preload.ts runs this): the
// projects installed from their lockfiles, and the system tools the tests run.
import { existsSync } from "node:fs";
import path from "node:path";

/** System tools the tests run, with how to get each on Debian or Ubuntu (bash .ci/run does all of it). */
export const TEST_TOOLS: Readonly<Record<string, string>> = {
  patch: "apt-get install -y patch",
  git: "apt-get install -y git",
  tmux: "apt-get install -y tmux",
  jq: "apt-get install -y jq",
  pnpm: "npm install -g pnpm@10.20.0",
  yarn: "npm install -g yarn@1.22.22",
};

export type SetupResult = { ok: true; installed: string[] } | { ok: false; installed: string[]; message: string };

/** Installs (bun install --frozen-lockfile) each project that has a package.json but no node_modules/.bin. */
export function installMissing(dirs: readonly string[], log: (line: string) => void = console.error): SetupResult {
  const installed: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(path.join(dir, "package.json")) || existsSync(path.join(dir, "node_modules", ".bin"))) continue;
    log(`test setup: installing ${dir} (bun install --frozen-lockfile)`);
    const r = Bun.spawnSync([process.execPath, "install", "--frozen-lockfile"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) {
      return { ok: false, installed, message: `the install failed; run it yourself: (cd ${dir} && bun install --frozen-lockfile)\n${r.stderr}` };
    }
    installed.push(dir);
  }
  return { ok: true, installed };
}

/** The tools not on the PATH, each with the command that installs it. */
export function missingTools(which: (tool: string) => string | null = Bun.which): Array<{ tool: string; install: string }> {
  return Object.entries(TEST_TOOLS).flatMap(([tool, install]) => (which(tool) ? [] : [{ tool, install }]));
}
