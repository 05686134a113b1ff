// The whole chain for the tests that run the real CLI through the real proxy: the Ollama stand-in
// and LiteLLM (litellm/run.sh, the project's litellm/config.yaml, unchanged) in front of it. The
// proxy takes seconds to start, so one chain serves every test file of a `bun test` run: the
// first file that asks starts it, each test resets the stand-in, and the proxy is killed when the
// test process exits. A chain whose proxy died (bun kills a timed-out test's processes, the
// shared proxy among them) is started again by the next test that asks.
import { beforeAll, beforeEach } from "bun:test";
import { PROJECT_MODELS } from "../ollama/catalog.ts";
import { startOllamaStandIn, type OllamaStandIn } from "../ollama/standin.ts";
import { startLiteLLM, type LiteLLMProxy } from "./litellm.ts";

export interface ProxyChain {
  ollama: OllamaStandIn;
  proxy: LiteLLMProxy;
  /** The CLI's environment for this chain: LITELLM_URL and the master key. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Back to a healthy Ollama with the three models pulled, no scripts, counts zeroed. */
  reset(): void;
}

let shared: Promise<ProxyChain> | null = null;

export async function sharedProxyChain(): Promise<ProxyChain> {
  const current = await shared?.catch(() => null);
  if (current && !current.proxy.alive()) {
    await current.proxy.stop();
    await current.ollama.stop();
    shared = null;
  }
  shared ??= startProxyChain().catch((err) => {
    shared = null;
    throw err;
  });
  return shared;
}

/**
 * For a test file: the shared chain, alive and reset before each test. Call at the top of the
 * file; the returned function gives the chain inside a test.
 */
export function useProxyChain(): () => ProxyChain {
  let chain: ProxyChain | null = null;
  beforeAll(async () => {
    chain = await sharedProxyChain();
  }, 120_000);
  beforeEach(async () => {
    chain = await sharedProxyChain();
    chain.reset();
  }, 120_000);
  return () => {
    if (!chain) throw new Error("useProxyChain(): no chain yet (call it at the top of the test file)");
    return chain;
  };
}

async function startProxyChain(): Promise<ProxyChain> {
  const ollama = await startOllamaStandIn();
  const proxy = await startLiteLLM({ ollamaUrl: ollama.url });
  return {
    ollama,
    proxy,
    env: (extra = {}) => ({ LITELLM_URL: proxy.url, LITELLM_API_KEY: proxy.masterKey, ...extra }),
    reset() {
      ollama.up();
      ollama.resetScripts();
      ollama.models.clear();
      for (const m of PROJECT_MODELS) ollama.models.add(m);
      ollama.resetCounts();
    },
  };
}
