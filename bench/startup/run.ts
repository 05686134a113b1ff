// The start-up bench: what one smol-coder process costs before it does anything useful, as a
// ratio to a bare bun process, and how soon a run ends when the model server is down.
//
//   cd orchestrator && bun ../bench/startup/run.ts [--runs 10] [--fail-runs 3] [--delay-ms 3000]
//                                                  [--before DIR] [--no-results]
//
// In one run it builds the binary (scripts/build-binary.ts) into a temp folder, then, the
// variants interleaved round by round so a slow spell hits them all:
//   start-up   `bun -e 0` (the bare process: `bun -e ''` prints bun's help without starting the
//              JavaScript engine, so it is no floor), `smol-coder --version`, and one no-op task
//              (--no-checks, the scripted server answers at once with a diff that creates a file),
//              each run by the bin entry (`bun src/index.ts`, what `bun link` installs), by the
//              binary, and by DIR's `bun run src/index.ts` when --before DIR names another checkout's
//              orchestrator/ folder (installed);
//   fail fast  on a copy of the react-ts fixture (real tsc, ESLint, vite build; a fresh state
//              folder each run, so no cached baseline): a stopped server (time to exit 3, and
//              whether the baseline ran), and a server that answers after --delay-ms (time to the
//              first attempt's verification_pass).
// The tables go to stdout and into "## Start-up (bench/startup)" of RESULTS.md.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildBinary } from "../../orchestrator/scripts/build-binary.ts";
import { CLI_ENTRY } from "../../orchestrator/testing/cli.ts";
import { reply, startModelServer } from "../../orchestrator/testing/model-server.ts";
import { CARD_TSX, diffReply, unifiedDiff } from "../../orchestrator/testing/replies.ts";
import { createWorkspace } from "../../orchestrator/testing/workspace.ts";
import { millis } from "../lib/format.ts";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceMarkedBlock, updateResults } from "../lib/results-md.ts";
import { median } from "../lib/stats.ts";
import { timed, type Timed } from "./measure.ts";

const SECTION = "## Start-up (bench/startup)";
const MARKERS = { begin: "<!-- bench/startup/run.ts output: begin -->", end: "<!-- bench/startup/run.ts output: end -->" };

interface Options {
  runs: number;
  failRuns: number;
  delayMs: number;
  before: string | null;
  writeResults: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { runs: 10, failRuns: 3, delayMs: 3000, before: null, writeResults: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i] ?? "";
    if (a === "--runs") o.runs = Number(next());
    else if (a === "--fail-runs") o.failRuns = Number(next());
    else if (a === "--delay-ms") o.delayMs = Number(next());
    else if (a === "--before") o.before = path.resolve(next());
    else if (a === "--no-results") o.writeResults = false;
    else throw new Error(`unknown argument ${a} (--runs N, --fail-runs N, --delay-ms MS, --before DIR, --no-results)`);
  }
  return o;
}

interface Variant {
  name: string;
  cmd: string[];
  cwd: string;
}

/** The commit of the checkout a --before folder belongs to. */
function revisionOf(dir: string): string {
  const r = Bun.spawnSync(["git", "log", "-1", "--format=%h"], { cwd: dir });
  return r.exitCode === 0 ? r.stdout.toString().trim() : "unknown revision";
}

const samples = () => ({ wall: [] as number[], cpu: [] as number[] });
type Samples = ReturnType<typeof samples>;

function check(t: Timed, what: string, code = 0): Timed {
  if (t.code !== code) throw new Error(`${what} exited ${t.code}, expected ${code}:\n${t.stderr}`);
  return t;
}

async function main(): Promise<void> {
  const opts = parseOptions(Bun.argv.slice(2));
  const started = Date.now();
  const load = os.loadavg()[0]!;
  const tmp = await mkdtemp(path.join(os.tmpdir(), "smol-startup-"));
  try {
    const binary = await buildBinary(path.join(tmp, "smol-coder"));
    const bun = process.execPath;
    const variants: Variant[] = [
      { name: "bin entry (`bun src/index.ts`)", cmd: [bun, CLI_ENTRY], cwd: tmp },
      { name: "binary (`bun build --compile --bytecode`)", cmd: [binary], cwd: tmp },
    ];
    if (opts.before) variants.push({ name: `before: \`bun run src/index.ts\` at ${revisionOf(opts.before)}`, cmd: [bun, "run", path.join(opts.before, "src", "index.ts")], cwd: opts.before });
    const baseEnv = { PATH: process.env.PATH ?? "", HOME: tmp, NODE_ENV: "production", SMOL_LOG_DIR: path.join(tmp, "logs") };

    // Start-up: bare bun, --version, a no-op task.
    await using server = await startModelServer({ defaultReply: reply.text(diffReply(unifiedDiff("out.txt", null, "done\n"))) });
    const bare = samples();
    const version = new Map(variants.map((v) => [v.name, samples()]));
    const task = new Map(variants.map((v) => [v.name, samples()]));
    const push = (into: Samples, t: Timed) => (into.wall.push(t.wallMs), into.cpu.push(t.cpuMs));
    for (let round = 0; round < opts.runs; round++) {
      push(bare, check(await timed({ cmd: [bun, "-e", "0"], cwd: tmp, env: baseEnv }), "bun -e 0"));
      for (const v of variants) {
        push(version.get(v.name)!, check(await timed({ cmd: [...v.cmd, "--version"], cwd: v.cwd, env: baseEnv }), `${v.name} --version`));
        const ws = await mkdtemp(path.join(tmp, "ws-"));
        const env = { ...baseEnv, LITELLM_URL: server.url, SMOL_STATE_DIR: path.join(tmp, "state") };
        const stdin = JSON.stringify({ description: "create out.txt", filesOwned: ["out.txt"] });
        push(task.get(v.name)!, check(await timed({ cmd: [...v.cmd, "--workspace", ws, "--no-checks"], cwd: v.cwd, env, stdin }), `${v.name} no-op task`));
        await rm(ws, { recursive: true, force: true });
      }
    }

    // Fail fast: a stopped server, and a server that answers after delayMs.
    const down = await startModelServer();
    const downUrl = down.url;
    await down.stop();
    await using slow = await startModelServer();
    slow.onRequest(() => reply.text(diffReply(unifiedDiff("src/components/Card.tsx", null, CARD_TSX))).delay(opts.delayMs));
    const unreachable = new Map(variants.filter((v) => !v.name.startsWith("binary")).map((v) => [v.name, [] as Timed[]]));
    const firstAttempt = new Map([...unreachable.keys()].map((k) => [k, [] as Timed[]]));
    const cardTask = JSON.stringify({ description: "Create a Card component in src/components/Card.tsx", filesOwned: ["src/components/Card.tsx"] });
    for (let round = 0; round < opts.failRuns; round++) {
      for (const v of variants.filter((x) => unreachable.has(x.name))) {
        await using ws = await createWorkspace({ template: "react-ts" });
        const state = await mkdtemp(path.join(tmp, "state-"));
        const env = { ...baseEnv, SMOL_STATE_DIR: state };
        unreachable.get(v.name)!.push(check(await timed({ cmd: [...v.cmd, "--workspace", ws.dir], cwd: v.cwd, env: { ...env, LITELLM_URL: downUrl }, stdin: cardTask }), `${v.name} unreachable`, 3));
        const fresh = await mkdtemp(path.join(tmp, "state-"));
        firstAttempt.get(v.name)!.push(check(await timed({ cmd: [...v.cmd, "--workspace", ws.dir], cwd: v.cwd, env: { ...env, SMOL_STATE_DIR: fresh, LITELLM_URL: slow.url }, stdin: cardTask }), `${v.name} first attempt`));
      }
    }

    const bareWall = median(bare.wall);
    const ratio = (s: Samples) => `${(median(s.wall) / bareWall).toFixed(1)}x`;
    const row = (what: string, name: string, s: Samples) => `| ${what} | ${name} | ${millis(median(s.wall))} (${millis(Math.min(...s.wall))}) | ${millis(median(s.cpu))} | ${ratio(s)} |`;
    const took = Math.round((Date.now() - started) / 1000);
    const lines = [
      `Command: \`cd orchestrator && bun ../bench/startup/run.ts${opts.runs !== 10 ? ` --runs ${opts.runs}` : ""}${opts.failRuns !== 3 ? ` --fail-runs ${opts.failRuns}` : ""}${opts.delayMs !== 3000 ? ` --delay-ms ${opts.delayMs}` : ""}${opts.before ? " --before DIR" : ""}\` (${new Date(started).toISOString().slice(0, 10)}, UTC; took ${took} s).`,
      `Machine: ${coreCount()} cores (\`nproc\`), ${cpuModel()}; bun ${Bun.version}; load average ${load.toFixed(2)} at the start (the machine is shared).`,
      "",
      `Start-up: ${opts.runs} runs of each, interleaved; median wall time (min), median CPU (user+sys), and the median wall time as a ratio to the bare process. The no-op task runs with \`--no-checks\` against the scripted server, which answers at once with a diff that creates one file: start-up, config, lease database, log file, one model call, the patch, the summary.`,
      "",
      "| what | how | wall, median (min) | CPU | / bare bun |",
      "| --- | --- | --- | --- | --- |",
      row("bare process", "`bun -e 0`", bare),
      ...variants.map((v) => row("`--version`", v.name, version.get(v.name)!)),
      ...variants.map((v) => row("no-op task", v.name, task.get(v.name)!)),
      "",
      `Fail fast: ${opts.failRuns} runs of each on a copy of the react-ts fixture (real tsc, ESLint and vite build), the Card task, a fresh state folder each run (no cached baseline), MODEL_MAX_RETRIES at its default (2). "unreachable": the server's port is closed. "first attempt": the server answers after ${opts.delayMs} ms; the time is spawn to the first attempt's \`verification_pass\`.`,
      "",
      "| how | unreachable: exit 3 after, median (min) | baseline ran | first attempt, median (min) | its baseline took |",
      "| --- | --- | --- | --- | --- |",
      ...[...unreachable.keys()].map((name) => {
        const u = unreachable.get(name)!;
        const f = firstAttempt.get(name)!;
        const pass = f.map((t) => t.at.get("verification_pass") ?? NaN);
        const baselineRan = u.filter((t) => t.at.has("verification_baseline")).length;
        const baselineMs = f.map((t) => Number(t.events.find((e) => e.event === "verification_baseline")?.durationMs ?? NaN));
        return `| ${name} | ${millis(median(u.map((t) => t.wallMs)))} (${millis(Math.min(...u.map((t) => t.wallMs)))}) | ${baselineRan} of ${u.length} runs | ${millis(median(pass))} (${millis(Math.min(...pass))}) | ${millis(median(baselineMs))} |`;
      }),
    ];
    const text = lines.join("\n");
    console.log(text);
    if (opts.writeResults) await updateResults((all) => replaceMarkedBlock(all, SECTION, MARKERS, text));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
