import { afterEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../src/core/errors.ts";
import { openOwnedFiles, resolveWorkspace } from "../../src/workspace/owned-files.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), "smol-owned-"));
  dirs.push(d);
  return d;
}

describe("openOwnedFiles", () => {
  test("restore puts back exact bytes, removes created files and the folders made for them", async () => {
    const root = await tempDir();
    const crlf = Buffer.from("a\r\nb\r\nno final newline", "utf8");
    await writeFile(path.join(root, "a.ts"), crlf);
    const owned = await openOwnedFiles(root, ["a.ts", "src/new/dir/b.ts"]);
    expect(owned.original.get("a.ts")).toBe(crlf.toString("utf8"));
    expect(owned.original.get("src/new/dir/b.ts")).toBeNull();

    await owned.write(new Map([["a.ts", "changed\n"], ["src/new/dir/b.ts", "export {};\n"]]));
    expect(await readFile(path.join(root, "src/new/dir/b.ts"), "utf8")).toBe("export {};\n");
    expect((await owned.changed()).sort()).toEqual(["a.ts", "src/new/dir/b.ts"]);

    await owned.restore();
    expect((await readFile(path.join(root, "a.ts"))).equals(crlf)).toBe(true);
    expect(await readdir(root)).toEqual(["a.ts"]);
    expect(await owned.changed()).toEqual([]);
  });

  test("restore leaves an untouched file alone (same mtime) and keeps a folder the user had", async () => {
    const root = await tempDir();
    await mkdir(path.join(root, "src"));
    await writeFile(path.join(root, "src/keep.ts"), "x\n");
    const owned = await openOwnedFiles(root, ["src/keep.ts", "src/made.ts"]);
    const before = (await stat(path.join(root, "src/keep.ts"))).mtimeMs;
    await owned.write(new Map([["src/made.ts", "y\n"]]));
    await owned.restore();
    expect((await stat(path.join(root, "src/keep.ts"))).mtimeMs).toBe(before);
    expect(await readdir(path.join(root, "src"))).toEqual(["keep.ts"]);
  });

  test("a write is all or nothing: a failure on the second file leaves the first unchanged", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "a.ts"), "A\n");
    const owned = await openOwnedFiles(root, ["a.ts", "blocker/b.ts"]);
    // Appears after the task started, so staging the second file fails.
    await writeFile(path.join(root, "blocker"), "a file where a folder is needed\n");
    await expect(owned.write(new Map([["a.ts", "A2\n"], ["blocker/b.ts", "B\n"]]))).rejects.toThrow();
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A\n");
    expect((await readdir(root)).sort()).toEqual(["a.ts", "blocker"]); // no temp files left
  });

  test("writes keep the file's mode", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "run.sh"), "echo 1\n", { mode: 0o755 });
    const owned = await openOwnedFiles(root, ["run.sh"]);
    await owned.write(new Map([["run.sh", "echo 2\n"]]));
    expect((await stat(path.join(root, "run.sh"))).mode & 0o777).toBe(0o755);
  });

  test("refuses to write a file that is not owned", async () => {
    const root = await tempDir();
    const owned = await openOwnedFiles(root, ["a.ts"]);
    await expect(owned.write(new Map([["b.ts", "x"]]))).rejects.toThrow(/not an owned file/);
  });

  test("refuses an owned path that escapes through a symlink", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await symlink(outside, path.join(root, "link"));
    await expect(openOwnedFiles(root, ["link/x.ts"])).rejects.toBeInstanceOf(InputError);
    await symlink(path.join(outside, "target.ts"), path.join(root, "file-link.ts"));
    await expect(openOwnedFiles(root, ["file-link.ts"])).rejects.toThrow(/outside the workspace/);
  });

  test("a symlink that stays inside the workspace is fine", async () => {
    const root = await tempDir();
    await mkdir(path.join(root, "real"));
    await symlink(path.join(root, "real"), path.join(root, "alias"));
    const owned = await openOwnedFiles(root, ["alias/x.ts"]);
    await owned.write(new Map([["alias/x.ts", "ok\n"]]));
    expect(await readFile(path.join(root, "real/x.ts"), "utf8")).toBe("ok\n");
  });
});

describe("resolveWorkspace", () => {
  test("refuses a missing path and a file", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "f"), "");
    await expect(resolveWorkspace(path.join(root, "missing"))).rejects.toThrow(/does not exist/);
    await expect(resolveWorkspace(path.join(root, "f"))).rejects.toThrow(/not a directory/);
  });
});
