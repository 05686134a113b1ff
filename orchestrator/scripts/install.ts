// Installs the `smol-coder` command from this clone, in one step:
//   bun orchestrator/scripts/install.ts            the single-file binary (fast start-up)
//   bun orchestrator/scripts/install.ts --link     the package's bin entry, running this clone's source
// Either way the dependencies are installed first, exactly as bun.lock pins them. The command
// goes to bun's global bin folder ($BUN_INSTALL/bin, ~/.bun/bin by default), the folder bun's
// own installer puts on the PATH and where `bun link` puts package commands; --bin-dir DIR puts
// the binary elsewhere. The binary is a copy: it keeps working if the clone moves, and needs a re-run after
// a `git pull`. The link follows the clone, and starts slower (bench/RESULTS.md, "Start-up").
import { chmod, copyFile, mkdir, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { buildBinary, ORCHESTRATOR_DIR } from "./build-binary.ts";

function run(cmd: string[], what: string): string {
  const r = Bun.spawnSync(cmd, { cwd: ORCHESTRATOR_DIR, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${what} failed (exit ${r.exitCode}): ${cmd.join(" ")}\n${r.stdout}${r.stderr}`);
  return r.stdout.toString().trim();
}

function option(name: string): string | undefined {
  const i = Bun.argv.indexOf(name);
  return i > 0 ? Bun.argv[i + 1] : undefined;
}

/** The binary replaces any earlier one by rename, so a smol-coder that is running keeps its file. */
async function placeBinary(binary: string, binDir: string): Promise<string> {
  await mkdir(binDir, { recursive: true });
  const target = path.join(binDir, "smol-coder");
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    await copyFile(binary, tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
  return target;
}

/** Where `bun link` puts commands; `bun pm bin -g` says the same, but fails before the first global install. */
function globalBinDir(): string {
  return path.join(process.env.BUN_INSTALL || path.join(homedir(), ".bun"), "bin");
}

function onPath(dir: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((d) => d !== "" && path.resolve(d) === path.resolve(dir));
}

async function main(): Promise<void> {
  const bun = process.execPath;
  console.log("installing dependencies (bun install --frozen-lockfile)");
  run([bun, "install", "--frozen-lockfile"], "bun install");
  let installed: string;
  if (Bun.argv.includes("--link")) {
    // bun link makes src/index.ts mode 777; it is committed as 100755, so git sees no change.
    run([bun, "link"], "bun link");
    installed = path.join(globalBinDir(), "smol-coder");
  } else {
    console.log("building the binary (bun scripts/build-binary.ts)");
    const binary = await buildBinary();
    const binDir = path.resolve(option("--bin-dir") ?? globalBinDir());
    installed = await placeBinary(binary, binDir);
  }
  const version = run([installed, "--version"], `${installed} --version`);
  console.log(`installed ${installed} (${version})`);
  const dir = path.dirname(installed);
  if (!onPath(dir)) {
    console.log(`${dir} is not on your PATH. Add it, e.g.:\n  echo 'export PATH="${dir}:$PATH"' >> ~/.bashrc && export PATH="${dir}:$PATH"`);
  }
}

if (import.meta.main) {
  await main().catch((err: Error) => {
    console.error(`smol-coder install: ${err.message}`);
    process.exit(1);
  });
}
