// LiteLLM's 429 "No deployments available for selected model, Try again in N seconds" comes from
// its router once every deployment of a model group is cooling down. The project's config cannot
// produce it: each model group has one deployment, and LiteLLM never cools a group's only
// deployment down (nor any deployment for an APIConnectionError, which is how every Ollama error
// arrives). So this one case runs a config derived from litellm/config.yaml with a second
// fast-coder deployment, and cools both down with LiteLLM's own `mock_response` 429s.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_CONFIG } from "./litellm.ts";

/**
 * litellm/config.yaml with fast-coder listed twice (as a second Ollama host would be, README
 * "Beyond one machine") and the router's cooldown set to `cooldownSeconds`. Written into `dir`.
 */
export async function writeTwoDeploymentConfig(dir: string, cooldownSeconds: number): Promise<string> {
  const text = readFileSync(PROJECT_CONFIG, "utf8");
  const start = text.indexOf("  - model_name: fast-coder");
  const end = text.indexOf("  - model_name:", start + 1);
  if (start < 0 || end < 0) throw new Error(`cannot find the fast-coder deployment in ${PROJECT_CONFIG}`);
  const second = text.slice(start, end);
  const derived = `${text.slice(0, end)}${second}${text.slice(end)}\nrouter_settings:\n  cooldown_time: ${cooldownSeconds}\n`;
  const file = path.join(dir, "two-deployments.yaml");
  await writeFile(file, `# Derived by testing/proxy/cooldown.ts from litellm/config.yaml: fast-coder twice, cooldown ${cooldownSeconds} s.\n${derived}`);
  return file;
}

/**
 * Sends mock 429s until a plain request for fast-coder gets the router's own 429 (every
 * deployment cooling down). Returns that 429's body; throws if it never comes.
 */
export async function coolDownFastCoder(origin: string, key: string): Promise<string> {
  const post = (extra: Record<string, unknown>) =>
    fetch(`${origin}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fast-coder", messages: [{ role: "user", content: "cool down" }], ...extra }),
    });
  // The router picks a deployment at random: each mock 429 cools down the one it picked, so a few
  // rounds cool both. A plain request never reaches Ollama while both are cooling down.
  for (let round = 0; round < 20; round++) {
    await (await post({ mock_response: "litellm.RateLimitError" })).text();
    const probe = await post({ mock_response: "probe" });
    const body = await probe.text();
    if (probe.status === 429 && body.includes("No deployments available")) return body;
  }
  throw new Error("LiteLLM never put both fast-coder deployments in cooldown after 20 mock 429s");
}
