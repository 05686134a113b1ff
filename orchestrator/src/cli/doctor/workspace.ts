// The workspace must be a directory whose package.json defines the verify scripts (the config's
// verify.scripts, typecheck, lint and build by default), since those are what check every edit.
import fs from "node:fs/promises";
import path from "node:path";
import { DEFAULT_VERIFY_SCRIPTS } from "../../core/defaults.ts";
import { CHECK_NAMES, errCode, errText, type DoctorCheck } from "./check.ts";

const SUGGESTED_SCRIPTS: Record<string, string> = {
  typecheck: "tsc --noEmit",
  lint: "eslint .",
  build: "vite build",
};

function scriptsBlock(names: readonly string[]): string {
  const entries = names.map((n) => `"${n}": "${SUGGESTED_SCRIPTS[n] ?? ""}"`);
  return `"scripts": { ${entries.join(", ")} }`;
}

/** The package.json text, or the failed check saying why there is none. */
async function readPackageJson(workspace: string): Promise<{ dir: string; pkgPath: string; raw: string } | DoctorCheck> {
  const name = CHECK_NAMES.workspace;
  const dir = path.resolve(workspace);
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    return {
      name,
      ok: false,
      detail: errCode(err) === "ENOENT" ? `${dir} does not exist` : `${dir}: ${errText(err)}`,
      fix: "Pass --workspace the path of an existing project directory (the one holding package.json).",
    };
  }
  if (!stat.isDirectory()) {
    return {
      name,
      ok: false,
      detail: `${dir} is not a directory`,
      fix: "Pass --workspace the project directory, not a file inside it.",
    };
  }
  const pkgPath = path.join(dir, "package.json");
  try {
    return { dir, pkgPath, raw: await fs.readFile(pkgPath, "utf8") };
  } catch (err) {
    return {
      name,
      ok: false,
      detail: errCode(err) === "ENOENT" ? `${dir} has no package.json` : `${pkgPath}: ${errText(err)}`,
      fix: `Create ${pkgPath} with ${scriptsBlock(DEFAULT_VERIFY_SCRIPTS)} (or pass --workspace the project's root).`,
    };
  }
}

export async function workspaceCheck(workspace: string, wanted: readonly string[] = DEFAULT_VERIFY_SCRIPTS): Promise<DoctorCheck> {
  const name = CHECK_NAMES.workspace;
  const read = await readPackageJson(workspace);
  if ("ok" in read) return read;
  const { dir, pkgPath, raw } = read;
  let pkg: unknown;
  try {
    pkg = JSON.parse(raw);
  } catch (err) {
    return {
      name,
      ok: false,
      detail: `${pkgPath} is not valid JSON: ${errText(err)}`,
      fix: `Repair the JSON in ${pkgPath} (\`bunx prettier --check ${pkgPath}\` shows where it breaks).`,
    };
  }
  if (wanted.length === 0) return { name, ok: true, detail: `${dir}: no checks configured (verify.scripts: []), so every task runs unverified` };
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  const table = scripts !== null && typeof scripts === "object" ? (scripts as Record<string, unknown>) : {};
  const defined = wanted.filter((s) => {
    const command = table[s];
    return typeof command === "string" && command.trim().length > 0;
  });
  const missing = wanted.filter((s) => !defined.includes(s));
  const summary = wanted.map((s) => `${s} ${defined.includes(s) ? "yes" : "no"}`).join(", ");
  if (missing.length === 0) return { name, ok: true, detail: `${dir} (scripts: ${summary})` };
  return {
    name,
    ok: false,
    detail: `${dir} lacks script${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (scripts: ${summary})`,
    fix: `Add to ${pkgPath}: ${scriptsBlock(missing)} (adjust the commands to the project).`,
  };
}
