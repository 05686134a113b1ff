import { afterEach, describe, expect, test } from "bun:test";
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../src/core/errors.ts";
import { journalFolder } from "../../src/workspace/journal.ts";
import { openOwnedFiles, resolveWorkspace } from "../../src/workspace/owned-files.ts";
import { recoverWorkspace } from "../../src/workspace/recover.ts";
import { immutable, mkfifo } from "../../testing/fs-faults.ts";

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
    const r = await owned.write(new Map([["a.ts", "A2\n"], ["blocker/b.ts", "B\n"]]));
    expect(r).toMatchObject({ ok: false, file: "blocker/b.ts" });
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

describe("bytes that are not UTF-8", () => {
  test("an edit to a CRLF file with a Latin-1 comment keeps every line it does not touch byte for byte", async () => {
    const root = await tempDir();
    const original = Buffer.from("// (c) Ren\xe9 M\xfcller\r\nexport const a = 1\r\nexport const b = 2\r\n", "latin1");
    await writeFile(path.join(root, "a.ts"), original);
    const owned = await openOwnedFiles(root, ["a.ts"]);
    const text = owned.original.get("a.ts")!;
    expect(text).toContain("\uFFFD");
    expect((await owned.write(new Map([["a.ts", text.replace("b = 2", "b = 3")]]))).ok).toBe(true);
    const written = await readFile(path.join(root, "a.ts"));
    expect(written.equals(Buffer.from("// (c) Ren\xe9 M\xfcller\r\nexport const a = 1\r\nexport const b = 3\r\n", "latin1"))).toBe(true);
    await owned.restore();
    expect((await readFile(path.join(root, "a.ts"))).equals(original)).toBe(true);
  });

  test("a binary owned file (NUL bytes) is refused, naming it", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    await expect(openOwnedFiles(root, ["logo.png"])).rejects.toThrow("logo.png is a binary file");
  });

  test("a FIFO is refused at once, never read (which would block)", async () => {
    const root = await tempDir();
    mkfifo(path.join(root, "pipe.ts"));
    await expect(openOwnedFiles(root, ["pipe.ts"])).rejects.toThrow("pipe.ts is a FIFO (named pipe), not a regular file");
  });
});

describe("symlinked owned files", () => {
  async function linked() {
    const root = await tempDir();
    await mkdir(path.join(root, "shared"));
    await mkdir(path.join(root, "src"));
    await writeFile(path.join(root, "shared/config.ts"), "export const port = 1\n", { mode: 0o640 });
    await symlink("../shared/config.ts", path.join(root, "src/config.ts"));
    return root;
  }

  test("an edit writes through to the target: the link stays a link", async () => {
    const root = await linked();
    const owned = await openOwnedFiles(root, ["src/config.ts"]);
    expect(owned.original.get("src/config.ts")).toBe("export const port = 1\n");
    await owned.write(new Map([["src/config.ts", "export const port = 2\n"]]));
    expect((await lstat(path.join(root, "src/config.ts"))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(root, "src/config.ts"))).toBe("../shared/config.ts");
    expect(await readFile(path.join(root, "shared/config.ts"), "utf8")).toBe("export const port = 2\n");
    expect((await stat(path.join(root, "shared/config.ts"))).mode & 0o777).toBe(0o640);
  });

  test("restore leaves the link and its target byte-identical, of the same type", async () => {
    const root = await linked();
    const owned = await openOwnedFiles(root, ["src/config.ts"]);
    await owned.write(new Map([["src/config.ts", "changed\n"]]));
    await owned.restore();
    expect(await readlink(path.join(root, "src/config.ts"))).toBe("../shared/config.ts");
    expect(await readFile(path.join(root, "shared/config.ts"), "utf8")).toBe("export const port = 1\n");
    expect((await readdir(path.join(root, "shared")))).toEqual(["config.ts"]);
  });
});

describe("failed writes", () => {
  test("an immutable second file: the write fails naming it, the first file is rolled back, no temp file stays", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "a.ts"), "A\n");
    await writeFile(path.join(root, "b.ts"), "B\n");
    const owned = await openOwnedFiles(root, ["a.ts", "b.ts"]);
    using _locked = immutable(path.join(root, "b.ts"));
    const r = await owned.write(new Map([["a.ts", "A2\n"], ["b.ts", "B2\n"]]));
    expect(r).toMatchObject({ ok: false, file: "b.ts" });
    expect(!r.ok && r.message).toContain("cannot write b.ts: EPERM, operation not permitted");
    expect(!r.ok && r.message).toContain("The other files of the edit were put back as they were.");
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A\n");
    expect((await readdir(root)).sort()).toEqual(["a.ts", "b.ts"]);
  });

  test("a mode is kept exactly, past the umask, and comes back after a deletion", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "run.sh"), "echo 1\n");
    await chmod(path.join(root, "run.sh"), 0o777);
    const owned = await openOwnedFiles(root, ["run.sh"]);
    await owned.write(new Map([["run.sh", "echo 2\n"]]));
    expect((await stat(path.join(root, "run.sh"))).mode & 0o777).toBe(0o777);
    await owned.write(new Map([["run.sh", null]]));
    await owned.restore();
    expect((await stat(path.join(root, "run.sh"))).mode & 0o777).toBe(0o777);
  });
});

describe("the journal", () => {
  test("is written before the first write, holds the originals, and goes once the files are final", async () => {
    const root = await tempDir();
    const state = await tempDir();
    await writeFile(path.join(root, "a.ts"), "A\n");
    const owned = await openOwnedFiles(root, ["a.ts", "new/b.ts"], { stateDir: state });
    const folder = journalFolder(state, root);
    expect(await readdir(folder).catch(() => [])).toEqual([]);
    await owned.write(new Map([["a.ts", "A2\n"], ["new/b.ts", "B\n"]]));
    const [name] = await readdir(folder);
    const doc = JSON.parse(await readFile(path.join(folder, name!), "utf8"));
    expect(doc.owner.pid).toBe(process.pid);
    expect(doc.files.map((f: { path: string; original: string | null }) => [f.path, f.original && Buffer.from(f.original, "base64").toString()])).toEqual([["a.ts", "A\n"], ["new/b.ts", null]]);
    expect(doc.createdDirs).toEqual([path.join(root, "new")]);
    await owned.restore();
    await owned.finish();
    expect(await readdir(folder)).toEqual([]);
  });

  test("a restore the workspace refuses says so, keeps the journal, and the next run can finish it", async () => {
    const root = await tempDir();
    const state = await tempDir();
    await writeFile(path.join(root, "a.ts"), "A\n");
    const owned = await openOwnedFiles(root, ["a.ts"], { stateDir: state });
    await owned.write(new Map([["a.ts", "A2\n"]]));
    {
      using _locked = immutable(path.join(root, "a.ts"));
      const r = await owned.restore();
      expect(r).toMatchObject({ ok: false, file: "a.ts" });
      expect(!r.ok && r.message).toStartWith("cannot put back a.ts: EPERM");
      expect(!r.ok && r.message).toContain(`Its original bytes are kept in the journal ${journalFolder(state, root)}/`);
    }
    expect(await readdir(journalFolder(state, root))).toHaveLength(1);
    const later = await recoverWorkspace({ stateDir: state, root, isAlive: () => false });
    expect(later.recovered[0]!.restored).toEqual(["a.ts"]);
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A\n");
  });

  test("restoreSync puts every file back at once, removes the journal and leaves the set of open files", async () => {
    const root = await tempDir();
    const state = await tempDir();
    await writeFile(path.join(root, "a.ts"), "A\n");
    const live = new Set<Awaited<ReturnType<typeof openOwnedFiles>>>();
    const owned = await openOwnedFiles(root, ["a.ts", "new/b.ts"], { stateDir: state, live });
    expect(live.size).toBe(1);
    await owned.write(new Map([["a.ts", "A2\n"], ["new/b.ts", "B\n"]]));
    const r = owned.restoreSync();
    expect(r).toEqual({ restored: ["a.ts", "new/b.ts"], failed: [], journal: null });
    expect(await readdir(root)).toEqual(["a.ts"]);
    expect(await readFile(path.join(root, "a.ts"), "utf8")).toBe("A\n");
    expect(await readdir(journalFolder(state, root))).toEqual([]);
    expect(live.size).toBe(0);
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
