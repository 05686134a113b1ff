// When Ollama itself answers here (OLLAMA_API_BASE, or localhost:11434), which tier models it
// lacks. The proxy names the Ollama model behind each of its model names (/v1/model/info); a tier
// model that is no proxy name is taken as an Ollama name (LITELLM_URL pointing at Ollama).
// Ollama elsewhere (in another container, on a GPU host) is no failure: the tier calls went
// through the proxy, which reaches it.
import { TIERS } from "../../core/types.ts";
import { CHECK_NAMES, type DoctorCheck, type DoctorContext } from "./check.ts";
import { endpoints, probe } from "./probe.ts";

export async function ollamaModelsCheck(ctx: DoctorContext): Promise<DoctorCheck> {
  const name = CHECK_NAMES.ollama;
  const base = ctx.ollamaUrl.replace(/\/+$/, "");
  const tags = await probe(ctx.fetch, `${base}/api/tags`, ctx.timeoutMs, {}, ctx.redact);
  const pulled = tags.kind === "response" && tags.status === 200 ? modelNames(tags.body) : null;
  if (!pulled) return { name, ok: true, detail: `not checked: no Ollama answers at ${base} from here (the tier calls above go through the proxy)` };
  const behind = await proxyModels(ctx);
  const wanted = [...new Set(TIERS.map((t) => behind.get(ctx.tierModels[t]) ?? ctx.tierModels[t]))];
  const have = new Set(pulled.flatMap((m) => (m.includes(":") ? [m] : [m, `${m}:latest`])));
  const missing = wanted.filter((m) => !have.has(m) && !have.has(`${m}:latest`));
  if (missing.length === 0) return { name, ok: true, detail: `${base} has ${wanted.join(", ")}` };
  return {
    name,
    ok: false,
    detail: `${base} lacks ${missing.join(", ")} (has: ${pulled.slice(0, 8).join(", ") || "none"})`,
    fix: `Pull them on that machine: ${missing.map((m) => `\`ollama pull ${m}\``).join(" && ")}.`,
  };
}

function modelNames(body: string): string[] | null {
  try {
    const models = (JSON.parse(body) as { models?: Array<{ name?: unknown }> }).models;
    return Array.isArray(models) ? models.map((m) => String(m?.name ?? "")).filter(Boolean) : null;
  } catch {
    return null;
  }
}

/** model_name -> the Ollama model LiteLLM calls for it, from the proxy's /v1/model/info (empty when it has none). */
async function proxyModels(ctx: DoctorContext): Promise<Map<string, string>> {
  const ep = endpoints(ctx.litellmUrl);
  if (typeof ep === "string") return new Map();
  const info = await probe(ctx.fetch, `${ep.base}/model/info`, ctx.timeoutMs, { authorization: `Bearer ${ctx.apiKey}` }, ctx.redact);
  if (info.kind !== "response" || info.status !== 200) return new Map();
  try {
    const data = (JSON.parse(info.body) as { data?: Array<{ model_name?: string; litellm_params?: { model?: string } }> }).data ?? [];
    return new Map(
      data.flatMap((d) => (d.model_name && d.litellm_params?.model?.startsWith("ollama") ? [[d.model_name, d.litellm_params.model.replace(/^ollama(_chat)?\//, "")] as [string, string]] : [])),
    );
  } catch {
    return new Map();
  }
}
