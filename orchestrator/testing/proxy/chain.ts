// The whole chain for the tests that run the real CLI through the real proxy: the Ollama stand-in
// and LiteLLM (litellm/run.sh, the project's litellm/config.yaml, unchanged) in front of it. The
// proxy takes seconds to start, so one chain serves every test file of a `bun test` run: the
// first file that asks starts it, each test resets the stand-in, and the proxy is killed when the
// test process exits.
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

export function sharedProxyChain(): Promise<ProxyChain> {
  shared ??= startProxyChain().catch((err) => {
    shared = null;
    throw err;
  });
  return shared;
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
