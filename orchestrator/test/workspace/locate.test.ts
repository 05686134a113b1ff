// What stands at an owned path, found without opening it: a FIFO must never block.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isBinary, locateOwned, writeProblem } from "../../src/workspace/locate.ts";
import { immutable, mkfifo, mknodNull, unixSocket } from "../../testing/fs-faults.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), "smol-locate-"));
  dirs.push(d);
  return d;
}

async function problem(root: string, rel: string): Promise<string> {
  const found = await locateOwned(root, rel);
  if (found.ok) throw new Error(`${rel} was accepted`);
  return found.problem;
}

describe("locateOwned", () => {
  test("a file, a missing file, and a symlink to a file inside the workspace", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "a.ts"), "a\n");
    await symlink("a.ts", path.join(root, "link.ts"));
    expect(await locateOwned(root, "a.ts")).toMatchObject({ ok: true, path: { exists: true, link: null, target: path.join(root, "a.ts") } });
    expect(await locateOwned(root, "src/new.ts")).toMatchObject({ ok: true, path: { exists: false } });
    expect(await locateOwned(root, "link.ts")).toMatchObject({ ok: true, path: { exists: true, link: "a.ts", target: path.join(root, "a.ts"), abs: path.join(root, "link.ts") } });
  });

  test("refuses a folder, a path through a file, a FIFO, a socket and a device, naming each", async () => {
    const root = await tempDir();
    await mkdir(path.join(root, "src"));
    await writeFile(path.join(root, "notes.txt"), "x\n");
    mkfifo(path.join(root, "pipe"));
    mknodNull(path.join(root, "null"));
    await using _sock = await unixSocket(path.join(root, "sock"));
    expect(await problem(root, "src")).toBe("src is a folder, not a regular file");
    expect(await problem(root, "notes.txt/a.ts")).toBe("notes.txt/a.ts cannot be a file: notes.txt, on its path, is not a folder");
    expect(await problem(root, "pipe")).toBe("pipe is a FIFO (named pipe), not a regular file");
    expect(await problem(root, "sock")).toBe("sock is a socket, not a regular file");
    expect(await problem(root, "null")).toBe("null is a device, not a regular file");
  });

  test("a symlink to a FIFO is refused by what it leads to", async () => {
    const root = await tempDir();
    mkfifo(path.join(root, "pipe"));
    await symlink("pipe", path.join(root, "alias"));
    expect(await problem(root, "alias")).toBe("alias (through its symlink, pipe) is a FIFO (named pipe), not a regular file");
  });

  test("a symlink that leads out of the workspace is refused", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, "x.ts"), "x\n");
    await symlink(path.join(outside, "x.ts"), path.join(root, "x.ts"));
    expect(await problem(root, "x.ts")).toContain("outside the workspace");
  });
});

describe("writeProblem", () => {
  test("an immutable file, and a new file in an immutable folder", async () => {
    const root = await tempDir();
    await mkdir(path.join(root, "locked"));
    await writeFile(path.join(root, "a.ts"), "a\n");
    using _i = immutable(path.join(root, "a.ts"), path.join(root, "locked"));
    const file = await locateOwned(root, "a.ts");
    const fresh = await locateOwned(root, "locked/deep/b.ts");
    if (!file.ok || !fresh.ok) throw new Error("not located");
    expect(await writeProblem(root, file.path)).toStartWith("cannot write a.ts: EPERM, operation not permitted: the file or its folder is immutable");
    expect(await writeProblem(root, fresh.path)).toStartWith("cannot write locked/deep/b.ts: its folder locked is not writable (EPERM");
  });
});

test("isBinary: a NUL in the first 8000 bytes, as git decides", () => {
  expect(isBinary(Buffer.from("text\n"))).toBe(false);
  expect(isBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]))).toBe(true);
  expect(isBinary(Buffer.concat([Buffer.alloc(8000, 0x61), Buffer.from([0])]))).toBe(false);
});
