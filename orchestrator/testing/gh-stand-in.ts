// A stand-in for the GitHub CLI (`gh`), put first on PATH by the Action's tests: it records each
// call (argv, stdin, cwd) and answers the three commands the Action runs the way gh documents
// them (cli.github.com/manual/gh_pr_list, gh_pr_create, gh_pr_edit). Like gh it refuses a flag it
// does not know and, in Actions, runs only with GH_TOKEN set, so a wrong call fails the test.
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface GhCall {
  argv: string[];
  stdin: string;
  cwd: string;
}

export interface GhStandIn extends AsyncDisposable {
  /** Folder holding the `gh` executable: prepend it to PATH. */
  bin: string;
  /** The env the stand-in reads: where to log, and what `gh pr list` answers. */
  env: Record<string, string>;
  calls(): Promise<GhCall[]>;
}

/** Flags per command: true takes a value, false is a switch (from `gh pr <cmd> --help`). */
const FLAGS: Record<string, Record<string, boolean>> = {
  list: { "--head": true, "-H": true, "--base": true, "-B": true, "--state": true, "-s": true, "--json": true, "--limit": true, "-L": true, "--repo": true, "-R": true },
  create: { "--head": true, "-H": true, "--base": true, "-B": true, "--title": true, "-t": true, "--body": true, "-b": true, "--body-file": true, "-F": true, "--draft": false, "-d": false, "--repo": true, "-R": true },
  edit: { "--title": true, "-t": true, "--body": true, "-b": true, "--body-file": true, "-F": true, "--base": true, "-B": true, "--repo": true, "-R": true },
};

const SCRIPT = `#!/usr/bin/env bun
const FLAGS = ${JSON.stringify(FLAGS)};
const argv = Bun.argv.slice(2);
const [group, cmd, ...rest] = argv;
const fail = (msg, code = 1) => { process.stderr.write(msg + "\\n"); process.exit(code); };
const known = group === "pr" ? FLAGS[cmd] : undefined;
if (!known) fail(\`unknown command "\${cmd}" for "gh \${group}"\`);
const values = {}; const positionals = [];
for (let i = 0; i < rest.length; i++) {
  const a = rest[i];
  if (!a.startsWith("-") || a === "-") { positionals.push(a); continue; }
  if (!(a in known)) fail(\`unknown flag: \${a}\`);
  values[a] = known[a] ? rest[++i] : true;
  if (known[a] && values[a] === undefined) fail(\`flag needs an argument: \${a}\`);
}
if (process.env.GITHUB_ACTIONS && !process.env.GH_TOKEN) fail("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.", 4);
const readsStdin = values["--body-file"] === "-" || values["-F"] === "-";
const stdin = readsStdin ? await Bun.stdin.text() : "";
const fs = require("node:fs");
fs.appendFileSync(process.env.GH_STAND_IN_LOG, JSON.stringify({ argv, stdin, cwd: process.cwd() }) + "\\n");
const url = (n) => \`https://github.com/acme/app/pull/\${n}\`;
if (cmd === "list") console.log(process.env.GH_STAND_IN_LIST ?? "[]");
else if (cmd === "create") { process.stderr.write("Creating pull request\\n"); console.log(url(7)); }
else { if (positionals.length !== 1) fail("accepts 1 arg(s)"); console.log(url(positionals[0])); }
`;

export async function installGhStandIn(options: { list?: Array<{ number: number; url: string }> } = {}): Promise<GhStandIn> {
  const bin = await mkdtemp(path.join(os.tmpdir(), "smol-gh-"));
  const log = path.join(bin, "calls.jsonl");
  await writeFile(path.join(bin, "gh"), SCRIPT);
  await chmod(path.join(bin, "gh"), 0o755);
  await writeFile(log, "");
  return {
    bin,
    env: { GH_STAND_IN_LOG: log, GH_STAND_IN_LIST: JSON.stringify(options.list ?? []) },
    async calls() {
      return (await readFile(log, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as GhCall);
    },
    [Symbol.asyncDispose]: () => rm(bin, { recursive: true, force: true }),
  };
}
