// The tools the benchmark compares, each given the same reply text: planEdit in process, and
// plain `patch -p1`, `git apply` and `git apply --recount` on a temp copy of the files.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_LIMITS } from "../../orchestrator/src/core/defaults.ts";
import { planEdit } from "../../orchestrator/src/edits/plan.ts";
import type { BenchCase, Files } from "./cases.ts";

export type Tool = (c: BenchCase) => Promise<Files | null>;

/** planEdit on a case's files at the default config, with `reply` in place of the case's own (the fuzzer damages it). */
export function planCase(c: BenchCase, reply = c.reply) {
  return planEdit({ reply, current: new Map(Object.entries(c.before)), filesOwned: c.filesOwned, maxLines: DEFAULT_LIMITS.maxPatchLines });
}

/** planEdit as a tool; `verdicts` gets its strategy or refusal reason per case id. */
function planEditTool(verdicts: Map<string, string>): Tool {
  return async (c) => {
    const plan = await planCase(c);
    verdicts.set(c.id, plan.ok ? plan.strategy : plan.reason);
    if (!plan.ok) return null;
    const out: Files = { ...c.before };
    for (const ch of plan.changes) out[ch.path] = ch.after;
    return out;
  };
}

/** Writes the case's files and reply to a temp dir, runs `run` there, and reads the files back. */
async function inTempDir(c: BenchCase, run: (dir: string, patchFile: string) => Promise<boolean>): Promise<Files | null> {
  const dir = await mkdtemp(join(tmpdir(), "bench-apply-"));
  const work = join(dir, "w");
  try {
    await mkdir(work);
    for (const [p, content] of Object.entries(c.before)) {
      if (content === null) continue;
      await mkdir(dirname(join(work, p)), { recursive: true });
      await writeFile(join(work, p), content);
    }
    const patchFile = join(dir, "reply.patch");
    await writeFile(patchFile, c.reply);
    if (!(await run(work, patchFile))) return null;
    const out: Files = {};
    // A file the tool deleted (or never created) reads as null.
    for (const p of Object.keys(c.before)) out[p] = await readFile(join(work, p), "utf8").catch(() => null);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// git must not find a repository above the temp dir, and messages stay in one language.
const env = { ...process.env, LC_ALL: "C", GIT_CEILING_DIRECTORIES: tmpdir() };

async function exitCode(cmd: string[], cwd: string): Promise<number> {
  const proc = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  return await proc.exited;
}

const patchTool: Tool = (c) =>
  inTempDir(c, async (dir, file) => {
    return (await exitCode(["patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch", "--reject-file=-", "-i", file], dir)) === 0;
  });

const gitApply =
  (extra: string[]): Tool =>
  (c) =>
    inTempDir(c, async (dir, file) => {
      return (await exitCode(["git", "apply", ...extra, file], dir)) === 0;
    });

/** Every tool by name, in the order of the tables; planEdit reports its verdicts into `verdicts`. */
export function benchTools(verdicts: Map<string, string>): Record<string, Tool> {
  return {
    planEdit: planEditTool(verdicts),
    "patch -p1": patchTool,
    "git apply": gitApply([]),
    "git apply --recount": gitApply(["--recount"]),
  };
}
