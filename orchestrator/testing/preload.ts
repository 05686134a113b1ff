// Runs once before any test file (bunfig.toml [test] preload), so `bun test` in orchestrator/ is
// the whole test command on a fresh clone: what can be installed from a lockfile is installed
// here, and a missing system tool is named with the command that installs it (the tests that
// need it then fail with the same message; nothing is skipped).
import { readdirSync } from "node:fs";
import path from "node:path";
import { installMissing, missingTools } from "./setup-check.ts";

const fixtures = path.join(import.meta.dir, "fixtures");
const setup = installMissing([path.resolve(import.meta.dir, ".."), ...readdirSync(fixtures).map((d) => path.join(fixtures, d))]);
if (!setup.ok) {
  console.error(`test setup: ${setup.message}`);
  process.exit(1);
}
const missing = missingTools();
if (missing.length > 0) {
  console.error(`test setup: missing ${missing.map((m) => m.tool).join(", ")}; the tests that use them will fail. Install with:`);
  for (const m of missing) console.error(`  ${m.install}`);
}
