/**
 * Temp-workspace helper for end-to-end tests.
 *
 * `createWorkspace({ template: "react-ts" })` copies `testing/fixtures/react-ts`
 * (minus node_modules/dist/.git/*.tsbuildinfo) into a fresh
 * `os.tmpdir()/smol-ws-XXXXXX` dir and symlinks `node_modules` to the
 * fixture's installed node_modules, so `bun run typecheck|lint|build` work
 * without a per-test install. The fixture must be installed first:
 *   cd orchestrator/testing/fixtures/react-ts && bun install --frozen-lockfile
 *
 * Use with `await using ws = await createWorkspace(...)`; disposal deletes the
 * temp dir (the symlink is unlinked, never followed).
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface TempWorkspace extends AsyncDisposable {
  /** Absolute path of the temp workspace. */
  dir: string;
  /** File content (utf8), or null if the file does not exist. */
  read(rel: string): Promise<string | null>;
  /** Write a file (utf8), creating parent dirs. */
  write(rel: string, content: string): Promise<void>;
  /**
   * Every regular file (relative posix path) -> sha256 hex of its content.
   * Excludes node_modules, dist, .git and *.tsbuildinfo. Symlinks map to
   * `symlink:<target>`.
   */
  snapshot(): Promise<Map<string, string>>;
}

export type WorkspaceTemplate = "react-ts" | "empty";

export interface CreateWorkspaceOptions {
  template?: WorkspaceTemplate;
  /** Extra/overriding files, relative path -> content. Applied after the template. */
  files?: Record<string, string>;
  /** Merged into package.json "scripts" (replacing same-named scripts). Applied after `files`. */
  scripts?: Record<string, string>;
  /** `git init` + commit everything (node_modules is ignored via .gitignore). */
  git?: boolean;
}

export const FIXTURES_DIR = path.resolve(import.meta.dir, "fixtures");

/**
 * A verify script that always passes, for tests about something other than verification: a
 * workspace with no check at all is refused (it would call unchecked edits "complete").
 */
export const PASSING_CHECK: Readonly<Record<string, string>> = { typecheck: "true" };

const EXCLUDED_DIRS = new Set(["node_modules", "dist", ".git"]);

function isExcluded(name: string): boolean {
  return EXCLUDED_DIRS.has(name) || name.endsWith(".tsbuildinfo");
}

export function templateDir(template: Exclude<WorkspaceTemplate, "empty">): string {
  return path.join(FIXTURES_DIR, template);
}

export function assertFixtureInstalled(dir: string): string {
  const nodeModules = path.join(dir, "node_modules");
  let ok = false;
  try {
    ok = statSync(nodeModules).isDirectory() && existsSync(path.join(nodeModules, ".bin"));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new Error(
      `Fixture ${dir} has no node_modules. Run \`bun install --frozen-lockfile\` in that fixture dir ` +
        `(cd ${path.relative(process.cwd(), dir) || dir} && bun install --frozen-lockfile).`,
    );
  }
  return nodeModules;
}

function resolveInside(root: string, rel: string): string {
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  if (back === "" || back.startsWith("..") || path.isAbsolute(back)) {
    throw new Error(`Path escapes workspace: ${rel}`);
  }
  return abs;
}

async function writeFileIn(root: string, rel: string, content: string): Promise<void> {
  const abs = resolveInside(root, rel);
  await fs.mkdir(path.dirname(abs), { recursive: true });
  await fs.writeFile(abs, content);
}

async function copyTemplate(src: string, dest: string): Promise<void> {
  const entries = await fs.readdir(src, { withFileTypes: true });
  for (const entry of entries) {
    if (isExcluded(entry.name)) continue;
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (entry.isDirectory()) {
      await fs.mkdir(to, { recursive: true });
      await copyTemplate(from, to);
    } else if (entry.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(from), to);
    } else if (entry.isFile()) {
      await fs.copyFile(from, to);
    }
  }
}

async function walk(root: string, rel: string, out: Map<string, string>): Promise<void> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const entry of entries) {
    if (isExcluded(entry.name)) continue;
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    const abs = path.join(root, childRel);
    if (entry.isSymbolicLink()) {
      out.set(childRel, `symlink:${await fs.readlink(abs)}`);
    } else if (entry.isDirectory()) {
      await walk(root, childRel, out);
    } else if (entry.isFile()) {
      const hash = createHash("sha256").update(await fs.readFile(abs)).digest("hex");
      out.set(childRel, hash);
    }
  }
}

async function run(cmd: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) {
    throw new Error(`${cmd.join(" ")} failed (exit ${code}) in ${cwd}\n${stdout}${stderr}`);
  }
}

async function gitInitAndCommit(dir: string): Promise<void> {
  const git = [
    "git",
    "-c", "user.name=smol-test",
    "-c", "user.email=smol-test@example.invalid",
    "-c", "commit.gpgsign=false",
    "-c", "init.defaultBranch=main",
    "-c", "core.hooksPath=/dev/null",
  ];
  await run([...git, "init", "-q"], dir);
  // The repository's own identity, so commits made in a test never depend on the machine's config.
  await run(["git", "config", "user.name", "smol-test"], dir);
  await run(["git", "config", "user.email", "smol-test@example.invalid"], dir);
  await run(["git", "config", "commit.gpgsign", "false"], dir);
  await run([...git, "add", "-A"], dir);
  await run([...git, "commit", "-q", "--no-verify", "--allow-empty", "-m", "initial"], dir);
}

export async function createWorkspace(opts: CreateWorkspaceOptions = {}): Promise<TempWorkspace> {
  const template = opts.template ?? "react-ts";

  // Validate before creating anything, so a missing install leaves no temp dir behind.
  let srcDir: string | undefined;
  let nodeModules: string | undefined;
  if (template !== "empty") {
    srcDir = templateDir(template);
    nodeModules = assertFixtureInstalled(srcDir);
  }

  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "smol-ws-")));

  const dispose = async (): Promise<void> => {
    // Unlink the node_modules symlink explicitly first so nothing can ever
    // recurse into the shared fixture install.
    await fs.unlink(path.join(dir, "node_modules")).catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    if (srcDir !== undefined && nodeModules !== undefined) {
      await copyTemplate(srcDir, dir);
      await fs.symlink(nodeModules, path.join(dir, "node_modules"), "dir");
    } else {
      const pkg = { name: "smol-ws-empty", private: true, version: "0.0.0", type: "module", scripts: {} };
      await fs.writeFile(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    }

    for (const [rel, content] of Object.entries(opts.files ?? {})) {
      await writeFileIn(dir, rel, content);
    }

    if (opts.scripts !== undefined) {
      const pkgPath = path.join(dir, "package.json");
      const pkg = JSON.parse(await fs.readFile(pkgPath, "utf8")) as { scripts?: Record<string, string> };
      pkg.scripts = { ...(pkg.scripts ?? {}), ...opts.scripts };
      await fs.writeFile(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
    }

    if (opts.git) await gitInitAndCommit(dir);
  } catch (err) {
    await dispose();
    throw err;
  }

  return {
    dir,
    async read(rel) {
      try {
        return await fs.readFile(resolveInside(dir, rel), "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    write: (rel, content) => writeFileIn(dir, rel, content),
    async snapshot() {
      const out = new Map<string, string>();
      await walk(dir, "", out);
      return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
    [Symbol.asyncDispose]: dispose,
  };
}
