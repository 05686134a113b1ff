import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readdirSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { assertFixtureInstalled, createWorkspace, templateDir } from "../../testing/workspace.ts";

const SLOW = 30_000;
const ANSI = /\u001b\[[0-9;]*m/;

async function runScript(dir: string, script: string): Promise<{ code: number; output: string }> {
  const env: Record<string, string | undefined> = { ...process.env, CI: "true", NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  const proc = Bun.spawn(["bun", "run", script], { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: stdout + stderr };
}

describe("react-ts fixture workspace", () => {
  test(
    "template passes typecheck, lint and build through the node_modules symlink",
    async () => {
      await using ws = await createWorkspace();
      expect(lstatSync(path.join(ws.dir, "node_modules")).isSymbolicLink()).toBe(true);

      for (const script of ["typecheck", "lint", "build"]) {
        const { code, output } = await runScript(ws.dir, script);
        if (code !== 0) throw new Error(`${script} failed (exit ${code}):\n${output}`);
        expect(output).not.toMatch(ANSI);
      }
      expect(existsSync(path.join(ws.dir, "dist", "index.html"))).toBe(true);
    },
    SLOW,
  );

  test(
    "a type error in src/App.tsx fails typecheck with tsc-style diagnostics",
    async () => {
      await using ws = await createWorkspace({
        files: {
          "src/App.tsx": [
            "function App() {",
            "  const n: number = 'not a number'",
            "  return <p>{n}</p>",
            "}",
            "",
            "export default App",
            "",
          ].join("\n"),
        },
      });
      const { code, output } = await runScript(ws.dir, "typecheck");
      expect(code).not.toBe(0);
      expect(output).toContain("error TS");
      expect(output).toMatch(/src\/App\.tsx\(2,9\): error TS2322: /);
      expect(output).not.toMatch(ANSI);
    },
    SLOW,
  );

  test(
    "a file with an eslint error fails lint",
    async () => {
      await using ws = await createWorkspace({
        files: {
          "src/components/Debug.tsx": [
            "export function Debug() {",
            "  debugger",
            "  return <p>debug</p>",
            "}",
            "",
          ].join("\n"),
        },
      });
      const { code, output } = await runScript(ws.dir, "lint");
      expect(code).not.toBe(0);
      expect(output).toContain("Debug.tsx");
      expect(output).toContain("no-debugger");
      expect(output).not.toMatch(ANSI);
    },
    SLOW,
  );
});

describe("createWorkspace helper", () => {
  test("dispose removes the dir but never the shared fixture node_modules", async () => {
    const fixtureModules = path.join(templateDir("react-ts"), "node_modules");
    const before = readdirSync(fixtureModules).length;
    let dir: string;
    {
      await using ws = await createWorkspace();
      dir = ws.dir;
      expect(path.basename(dir).startsWith("smol-ws-")).toBe(true);
      expect(existsSync(path.join(dir, "package.json"))).toBe(true);
    }
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(fixtureModules).length).toBe(before);
  });

  test("read/write/snapshot; files and scripts overrides", async () => {
    await using ws = await createWorkspace({
      files: { "src/components/Hello.tsx": "export const Hello = () => <p>hi</p>\n" },
      scripts: { test: "echo ok" },
    });
    expect(await ws.read("src/components/Hello.tsx")).toBe("export const Hello = () => <p>hi</p>\n");
    expect(await ws.read("does/not/exist.ts")).toBeNull();

    const pkg = JSON.parse((await ws.read("package.json"))!) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toBe("echo ok");
    expect(pkg.scripts.typecheck).toContain("tsc");

    await ws.write("dist/out.js", "x");
    await ws.write("app.tsbuildinfo", "x");
    const snap1 = await ws.snapshot();
    const keys = [...snap1.keys()];
    expect(keys).toContain("src/App.tsx");
    expect(keys).toContain("src/components/.gitkeep");
    expect(keys.some((k) => k.startsWith("node_modules") || k.startsWith("dist/") || k.endsWith(".tsbuildinfo"))).toBe(
      false,
    );

    await ws.write("src/new/deep.ts", "export {}\n");
    const snap2 = await ws.snapshot();
    expect(snap2.get("src/new/deep.ts")).toMatch(/^[0-9a-f]{64}$/);
    expect(snap2.get("src/App.tsx")).toBe(snap1.get("src/App.tsx")!);
    await expect(ws.write("../escape.txt", "x")).rejects.toThrow(/escapes/);
  });

  test("empty template with git", async () => {
    await using ws = await createWorkspace({
      template: "empty",
      scripts: { check: "echo hi" },
      files: { "a.txt": "A\n" },
      git: true,
    });
    expect([...(await ws.snapshot()).keys()]).toEqual(["a.txt", "package.json"]);
    const pkg = JSON.parse((await ws.read("package.json"))!) as { scripts: Record<string, string> };
    expect(pkg.scripts).toEqual({ check: "echo hi" });

    const status = Bun.spawnSync(["git", "status", "--porcelain"], { cwd: ws.dir });
    expect(status.exitCode).toBe(0);
    expect(status.stdout.toString()).toBe("");
    const files = Bun.spawnSync(["git", "ls-files"], { cwd: ws.dir }).stdout.toString().trim().split("\n");
    expect(files).toEqual(["a.txt", "package.json"]);
  });

  test("git mode does not commit the node_modules symlink", async () => {
    await using ws = await createWorkspace({ git: true });
    const files = Bun.spawnSync(["git", "ls-files"], { cwd: ws.dir }).stdout.toString();
    expect(files).toContain("src/App.tsx");
    expect(files).not.toContain("node_modules");
    expect(Bun.spawnSync(["git", "status", "--porcelain"], { cwd: ws.dir }).stdout.toString()).toBe("");
  });

  test("missing fixture install throws an actionable error", async () => {
    const bare = await fs.mkdtemp(path.join(os.tmpdir(), "smol-ws-bare-"));
    try {
      expect(() => assertFixtureInstalled(bare)).toThrow(/bun install/);
    } finally {
      await fs.rm(bare, { recursive: true, force: true });
    }
  });
});
