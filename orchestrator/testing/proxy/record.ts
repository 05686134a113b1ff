// Records every scenario of testing/proxy/scenarios.ts from the real LiteLLM proxy (litellm/run.sh,
// the project's litellm/config.yaml) in front of the Ollama stand-in, into testing/fixtures/proxy/.
// The scripted model server answers faults from these files. Re-run after moving LiteLLM to
// another release: `cd orchestrator && bun testing/proxy/record.ts`.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startOllamaStandIn, type OllamaStandIn } from "../ollama/standin.ts";
import { capture, type ProxyCapture } from "./capture.ts";
import { coolDownFastCoder, writeTwoDeploymentConfig } from "./cooldown.ts";
import { startLiteLLM, type LiteLLMProxy } from "./litellm.ts";
import { SCENARIOS, type ProxyScenario } from "./scenarios.ts";

export const FIXTURES_DIR = path.resolve(import.meta.dir, "..", "fixtures", "proxy");

/** How long the derived config keeps a deployment cooling down. */
export const COOLDOWN_SECONDS = 10;

/** Runs one scenario against a proxy: arrange the stand-in, capture, undo. */
export async function runScenario(s: ProxyScenario, proxy: LiteLLMProxy, ollama: OllamaStandIn): Promise<ProxyCapture> {
  ollama.resetScripts();
  const undo = s.arrange?.(ollama);
  try {
    if (s.proxy === "two-deployments") await coolDownFastCoder(proxy.origin, proxy.masterKey);
    return await capture(proxy.origin, s);
  } finally {
    undo?.();
  }
}

/** The project's proxy and the derived two-deployment one, both in front of one stand-in. */
export async function startProxies(ollama: OllamaStandIn, dir: string): Promise<Record<"project" | "two-deployments", LiteLLMProxy>> {
  const config = await writeTwoDeploymentConfig(dir, COOLDOWN_SECONDS);
  const [project, two] = await Promise.all([startLiteLLM({ ollamaUrl: ollama.url }), startLiteLLM({ ollamaUrl: ollama.url, config })]);
  return { project, "two-deployments": two };
}

if (import.meta.main) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smol-record-"));
  await using ollama = await startOllamaStandIn();
  const proxies = await startProxies(ollama, dir);
  try {
    await mkdir(FIXTURES_DIR, { recursive: true });
    for (const s of SCENARIOS) {
      const got = await runScenario(s, proxies[s.proxy ?? "project"], ollama);
      await writeFile(path.join(FIXTURES_DIR, `${s.name}.json`), `${JSON.stringify(got, null, 2)}\n`);
      console.log(`${s.name}: ${got.status}`);
    }
  } finally {
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
