// The whole chain with every part real: the CLI, the LiteLLM proxy (litellm/run.sh with the
// project's litellm/config.yaml, unchanged) and a real Ollama (bench/real-ollama/setup.sh builds
// it) serving SmolLM2-135M under the three tier models' names. A 135M model cannot write the edit,
// so the point is the chain, not the answer: each call reaches Ollama and comes back with Ollama's
// own token counts, faults are named as with the stand-in, and doctor passes. Writes the
// "Real Ollama" section of bench/RESULTS.md.
//   bash bench/real-ollama/setup.sh && cd orchestrator && bun ../bench/real-ollama/run.ts [--no-write]
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runCli, type CliResult } from "../../orchestrator/testing/cli.ts";
import { startLiteLLM } from "../../orchestrator/testing/proxy/litellm.ts";
import { createWorkspace, PASSING_CHECK } from "../../orchestrator/testing/workspace.ts";
import { coreCount, cpuModel } from "../lib/machine.ts";
import { replaceSection, updateResults } from "../lib/results-md.ts";

const { values } = parseArgs({ options: { "no-write": { type: "boolean", default: false } } });
const OUT = path.join(import.meta.dir, "out");
const OLLAMA = path.join(OUT, "bin", "ollama");
const TIER_MODELS = ["qwen2.5-coder:7b-instruct", "qwen2.5-coder:14b-instruct", "qwen2.5:7b-instruct"];
if (!existsSync(OLLAMA)) throw new Error(`no ${OLLAMA}: run \`bash bench/real-ollama/setup.sh\` first`);

const started = Date.now();
const home = await mkdtemp(path.join(os.tmpdir(), "smol-ollama-"));
const port = 11_500 + Math.floor(Math.random() * 400);
const env = { ...process.env, OLLAMA_HOST: `127.0.0.1:${port}`, OLLAMA_MODELS: path.join(home, "models"), HOME: home, GIN_MODE: "release" };
const serveLog = path.join(home, "serve.log");
const serve = Bun.spawn(["setpriv", "--pdeathsig", "KILL", "--", OLLAMA, "serve"], { env, stdout: Bun.file(serveLog), stderr: Bun.file(serveLog) });
const ollamaUrl = `http://127.0.0.1:${port}`;

async function ollama(...args: string[]): Promise<string> {
  const p = Bun.spawn([OLLAMA, ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`ollama ${args.join(" ")}: ${err}`);
  return out;
}

const lines: string[] = [];
try {
  for (let i = 0; ; i++) {
    if (await fetch(`${ollamaUrl}/api/version`).then((r) => r.ok, () => false)) break;
    if (i > 100) throw new Error(`ollama serve did not answer:\n${readFileSync(serveLog, "utf8")}`);
    await Bun.sleep(100);
  }
  const version = ((await (await fetch(`${ollamaUrl}/api/version`)).json()) as { version: string }).version;
  await ollama("create", "smollm2:135m", "-f", path.join(OUT, "Modelfile"));
  for (const m of TIER_MODELS) await ollama("cp", "smollm2:135m", m);
  await using proxy = await startLiteLLM({ ollamaUrl });
  const cliEnv = { LITELLM_URL: proxy.url, LITELLM_API_KEY: proxy.masterKey, OLLAMA_API_BASE: ollamaUrl };

  // 1. doctor: every check through the chain, the one-token calls loading the model.
  await using ws = await createWorkspace({ template: "empty", scripts: { typecheck: "true", lint: "true", build: "true" } });
  const doctor = await runCli({ args: ["doctor", "--workspace", ws.dir], env: cliEnv });
  // 2. a task, one attempt per tier, short replies.
  await using ws2 = await createWorkspace({
    template: "empty",
    scripts: PASSING_CHECK,
    files: {
      "notes.txt": "hello\n",
      "smol-coder.config.json": JSON.stringify({
        escalation: { attemptsPerTier: 1, maxTotalAttempts: 3 },
        tiers: Object.fromEntries(["fast", "deep", "reviewer"].map((t) => [t, { maxTokens: 256 }])),
      }),
    },
  });
  const task = await runCli({
    args: ["--workspace", ws2.dir],
    stdin: JSON.stringify({ description: "Replace the word hello with goodbye in notes.txt", filesOwned: ["notes.txt"] }),
    env: cliEnv,
  });
  // 3. a model that is not there: exit 3, named.
  await ollama("rm", "qwen2.5-coder:7b-instruct");
  const missing = await runCli({ args: ["--workspace", ws2.dir], stdin: JSON.stringify({ description: "x", filesOwned: ["notes.txt"] }), env: cliEnv });
  const warnings = readFileSync(serveLog, "utf8").split("\n").filter((l) => /requested context size too large|truncating input prompt/.test(l));

  lines.push(`Ollama ${version} (built by setup.sh), SmolLM2-135M-Instruct Q4_1 under the three tier names; LiteLLM ready in ${(proxy.readyMs / 1000).toFixed(1)} s.`, "");
  lines.push("**doctor** (exit " + doctor.exitCode + "):", "", "```", doctor.stdout.trim(), "```", "");
  lines.push(`**A task** ("Replace the word hello with goodbye in notes.txt", one attempt per tier, maxTokens 256): exit ${task.exitCode}, notes.txt ${(await ws2.read("notes.txt")) === "hello\n" ? "unchanged" : "changed"}.`, "");
  lines.push("| attempt | tier | event | reason or tokens | ms |", "| --- | --- | --- | --- | --- |");
  for (const e of task.events.filter((x) => ["model_call_complete", "model_call_failed", "patch_rejected", "patch_applied"].includes(String(x.event)))) {
    const what = e.event === "model_call_complete" ? `${e.promptTokens} prompt + ${e.completionTokens} completion` : String(e.reason ?? e.strategy ?? "");
    lines.push(`| ${e.attempt} | ${e.tier} | ${e.event} | ${what} | ${e.durationMs ?? ""} |`);
  }
  lines.push("", `**A model not pulled** (\`ollama rm qwen2.5-coder:7b-instruct\`): exit ${missing.exitCode}: \`${firstLine(missing)}\``, "");
  lines.push(`Ollama's own warnings while serving (its log): ${warnings.length === 0 ? "none" : ""}`, ...warnings.slice(0, 3).map((w) => `- \`${w.replace(/^time=\S+ /, "").slice(0, 200)}\``));
} finally {
  serve.kill("SIGTERM");
  await serve.exited;
  await rm(home, { recursive: true, force: true });
}

function firstLine(r: CliResult): string {
  return r.stderr.split("\n")[0]!.replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://127.0.0.1:PORT");
}

const body = `Command: \`bash bench/real-ollama/setup.sh && cd orchestrator && bun ../bench/real-ollama/run.ts\` (${new Date().toISOString().slice(0, 10)}, UTC; took ${Math.round((Date.now() - started) / 1000)} s, setup not included).
Machine: ${coreCount()} cores, ${cpuModel()}, no GPU; bun ${Bun.version}.

${lines.join("\n")}
`;
console.log(body);
if (!values["no-write"]) await updateResults((t) => replaceSection(t, "## Real Ollama, the whole chain (bench/real-ollama)", body));
