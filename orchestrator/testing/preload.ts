// Runs once before any test file (bunfig.toml [test] preload), so `bun test` in orchestrator/ is
// the whole test command on a fresh clone: what can be installed from a lockfile is installed
// here, and a missing system tool is named with the command that installs it (the tests that
// need it then fail with the same message; nothing is skipped).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { installMissing, missingTools } from "./setup-check.ts";

const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "..");
const fixtures = path.join(import.meta.dir, "fixtures");
const ownPackages = !existsSync(path.join(ORCHESTRATOR_DIR, "node_modules", ".bin"));
const setup = installMissing([ORCHESTRATOR_DIR, ...readdirSync(fixtures).map((d) => path.join(fixtures, d))]);
if (!setup.ok) {
  console.error(`test setup: ${setup.message}`);
  process.exit(1);
}
if (ownPackages && setup.installed.includes(ORCHESTRATOR_DIR)) rerun();

const missing = missingTools();
if (missing.length > 0) {
  console.error(`test setup: missing ${missing.map((m) => m.tool).join(", ")}; the tests that use them will fail. Install with:`);
  for (const m of missing) console.error(`  ${m.install}`);
}

/**
 * This process looked for the orchestrator's packages before they were installed and keeps
 * that answer, so the same `bun test` command starts again in a new process. Its arguments are
 * read from /proc (process.argv here names the test file, not the command); where there is no
 * /proc, the user is told to run the command again.
 */
function rerun(): never {
  const again = "test setup: installed the orchestrator's packages; run the same `bun test` command again";
  if (process.env.SMOL_TEST_SETUP_RERUN || !existsSync("/proc/self/cmdline")) {
    console.error(again);
    process.exit(1);
  }
  const argv = readFileSync("/proc/self/cmdline", "utf8").split("\0").filter(Boolean);
  console.error(`test setup: installed the orchestrator's packages; starting \`bun ${argv.slice(1).join(" ")}\` again`);
  const r = Bun.spawnSync([process.execPath, ...argv.slice(1)], { stdio: ["inherit", "inherit", "inherit"], env: { ...process.env, SMOL_TEST_SETUP_RERUN: "1" } });
  process.exit(r.exitCode ?? 1);
}
