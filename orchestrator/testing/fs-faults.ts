// Broken workspaces for tests, made with the real tools: an immutable file (chattr +i: even
// root cannot write it), a FIFO, a socket, a device. We run as root, so permission bits alone
// would not stop a write; chattr does, and `asNobody` runs a command without root.
import { existsSync } from "node:fs";
import net from "node:net";

function run(cmd: string[]): void {
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed (exit ${r.exitCode}): ${r.stderr.toString()}`);
}

/** Makes `file` immutable until disposed (then `chattr -i`, so the temp folder can be removed). */
export function immutable(...files: string[]): Disposable {
  if (!Bun.which("chattr")) throw new Error("chattr is missing: install e2fsprogs (apt-get install e2fsprogs)");
  for (const f of files) run(["chattr", "+i", f]);
  return unlockOnDispose(...files);
}

/** Clears the immutable flag of `files` when disposed, for a file a check of the test makes immutable. */
export function unlockOnDispose(...files: string[]): Disposable {
  return {
    [Symbol.dispose]() {
      for (const f of files) if (existsSync(f)) Bun.spawnSync(["chattr", "-i", f]);
    },
  };
}

export function mkfifo(file: string): void {
  run(["mkfifo", file]);
}

/** A character device (like /dev/null: major 1, minor 3). Needs root. */
export function mknodNull(file: string): void {
  run(["mknod", file, "c", "1", "3"]);
}

/** A listening Unix socket at `file`, closed when disposed. */
export async function unixSocket(file: string): Promise<AsyncDisposable> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(file, resolve));
  return { [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The argv prefix that runs a command as nobody (uid/gid 65534, no groups). */
export function asNobody(): string[] {
  const setpriv = Bun.which("setpriv");
  if (!setpriv) throw new Error("setpriv is missing: install util-linux");
  // CAP_DAC_READ_SEARCH only: nobody may read and traverse anything (the CLI's own source and
  // node_modules, wherever the clone is: CI clones into a 0700 `mktemp -d`), while every write is
  // still checked as nobody's, which is what these probes are about.
  return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"];
}
