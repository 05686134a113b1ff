// Builds smol-coder as one executable file: `bun build --compile`, with the code as bytecode so
// start-up skips parsing (the bundle is about 1.3 MB of JavaScript), minified, with a source map
// inside so an internal error's stack trace still names the source lines.
//   bun scripts/build-binary.ts [--outfile PATH]     (default: orchestrator/dist/smol-coder)
import { mkdir } from "node:fs/promises";
import path from "node:path";

export const ORCHESTRATOR_DIR = path.resolve(import.meta.dir, "..");
export const DEFAULT_BINARY = path.join(ORCHESTRATOR_DIR, "dist", "smol-coder");
const ENTRY = path.join(ORCHESTRATOR_DIR, "src", "index.ts");

/** Builds the binary at `outfile` with the bun running this script; throws with bun's output on failure. */
export async function buildBinary(outfile: string = DEFAULT_BINARY): Promise<string> {
  await mkdir(path.dirname(outfile), { recursive: true });
  const proc = Bun.spawn(
    [process.execPath, "build", "--compile", "--bytecode", "--minify", "--sourcemap", ENTRY, "--outfile", outfile],
    { cwd: ORCHESTRATOR_DIR, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build --compile failed (exit ${code}):\n${out}${err}`);
  return outfile;
}

if (import.meta.main) {
  const i = Bun.argv.indexOf("--outfile");
  const outfile = i > 0 ? path.resolve(Bun.argv[i + 1] ?? "") : DEFAULT_BINARY;
  console.log(`built ${await buildBinary(outfile)}`);
}
