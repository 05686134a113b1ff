// The state and log dirs must be writable: each is created if missing, then a probe file is
// written and deleted, and a failure names the fix for its error code.
import fs from "node:fs/promises";
import path from "node:path";
import { errCode, errText, type DoctorCheck } from "./check.ts";

function writableFix(dir: string, code: string, envHint: string | null): string {
  const other = envHint ? `, or set ${envHint} to a writable directory` : ", or use a writable directory";
  if (code === "ENOTDIR" || code === "EEXIST") {
    return `A file sits where ${dir} or one of its parents should be a directory: move it aside${other}.`;
  }
  if (code === "EACCES" || code === "EPERM") return `Make it writable with \`mkdir -p ${dir} && chown -R "$(id -u)" ${dir}\`${other}.`;
  if (code === "EROFS") return `${dir} is on a read-only filesystem${other}.`;
  return `Create it with \`mkdir -p ${dir}\` and make it writable${other}.`;
}

export async function writableCheck(name: string, dirOption: string, envHint: string | null): Promise<DoctorCheck> {
  const dir = path.resolve(dirOption);
  const probePath = path.join(dir, `.smol-doctor-${process.pid}-${crypto.randomUUID().slice(0, 8)}`);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(probePath, "probe\n", { flag: "wx" });
    await fs.unlink(probePath);
    return { name, ok: true, detail: `${dir} is writable` };
  } catch (err) {
    await fs.rm(probePath, { force: true }).catch(() => undefined);
    const code = errCode(err);
    return { name, ok: false, detail: `cannot write ${dir}: ${code || errText(err)}`, fix: writableFix(dir, code, envHint) };
  }
}
