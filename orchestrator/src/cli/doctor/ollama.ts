// When Ollama itself answers here (OLLAMA_API_BASE, or localhost:11434), which tier models it
// lacks. With LITELLM_URL at Ollama itself the tier models are Ollama names. Through the proxy
// they are the proxy's names, and the proxy says which Ollama model each stands for
// (/v1/model/info); when it cannot say (it is down, refuses the key) or does not serve a name,
// that name is not checked here: `ollama pull fast-coder` would be no fix (the checks above say
// what is wrong). Ollama elsewhere (in another container, on a GPU host) is no failure: the tier
// calls went through the proxy, which reaches it.
import { TIERS } from "../../core/types.ts";
import { CHECK_NAMES, type DoctorCheck, type DoctorContext } from "./check.ts";
import { endpoints, probe } from "./probe.ts";

export async function ollamaModelsCheck(ctx: DoctorContext): Promise<DoctorCheck> {
  const name = CHECK_NAMES.ollama;
  const base = ctx.ollamaUrl.replace(/\/+$/, "");
  const tags = await probe(ctx.fetch, `${base}/api/tags`, ctx.timeoutMs, {}, ctx.redact);
  const pulled = tags.kind === "response" && tags.status === 200 ? modelNames(tags.body) : null;
  if (!pulled) return { name, ok: true, detail: `not checked: no Ollama answers at ${base} from here (the tier calls above go through the proxy)` };
  const tierModels = [...new Set(TIERS.map((t) => ctx.tierModels[t]))];
  const direct = sameOrigin(ctx.litellmUrl, base);
  const behind = direct ? null : await proxyModels(ctx);
  if (!direct && !behind) {
    return { name, ok: true, detail: `not checked: the proxy did not say which Ollama models ${tierModels.join(", ")} stand for (see the checks above)` };
  }
  const wanted = [...new Set(tierModels.flatMap((m) => (behind ? (behind.has(m) ? [behind.get(m)!] : []) : [m])))];
  const unknown = behind ? tierModels.filter((m) => !behind.has(m)) : [];
  const notChecked = unknown.length > 0 ? `; not checked: ${unknown.join(", ")}, which the proxy does not serve as an Ollama model` : "";
  const have = new Set(pulled.flatMap((m) => (m.includes(":") ? [m] : [m, `${m}:latest`])));
  const missing = wanted.filter((m) => !have.has(m) && !have.has(`${m}:latest`));
  if (missing.length === 0) return { name, ok: true, detail: `${base} has ${wanted.join(", ") || "none of them to check"}${notChecked}` };
  return {
    name,
    ok: false,
    detail: `${base} lacks ${missing.join(", ")} (has: ${pulled.slice(0, 8).join(", ") || "none"})${notChecked}`,
    fix: `Pull them on that machine: ${missing.map((m) => `\`ollama pull ${m}\``).join(" && ")}.`,
  };
}

/** Whether LITELLM_URL is Ollama itself (its OpenAI endpoint), not a proxy in front of it. */
function sameOrigin(litellmUrl: string, ollamaBase: string): boolean {
  try {
    return new URL(litellmUrl).origin === new URL(ollamaBase).origin;
  } catch {
    return false;
  }
}

function modelNames(body: string): string[] | null {
  try {
    const models = (JSON.parse(body) as { models?: Array<{ name?: unknown }> }).models;
    return Array.isArray(models) ? models.map((m) => String(m?.name ?? "")).filter(Boolean) : null;
  } catch {
    return null;
  }
}

/** model_name -> the Ollama model LiteLLM calls for it, from the proxy's /v1/model/info; null when it did not say. */
async function proxyModels(ctx: DoctorContext): Promise<Map<string, string> | null> {
  const ep = endpoints(ctx.litellmUrl);
  if (typeof ep === "string") return null;
  const info = await probe(ctx.fetch, `${ep.base}/model/info`, ctx.timeoutMs, { authorization: `Bearer ${ctx.apiKey}` }, ctx.redact);
  if (info.kind !== "response" || info.status !== 200) return null;
  try {
    const data = (JSON.parse(info.body) as { data?: Array<{ model_name?: string; litellm_params?: { model?: string } }> }).data ?? [];
    return new Map(
      data.flatMap((d) => (d.model_name && d.litellm_params?.model?.startsWith("ollama") ? [[d.model_name, d.litellm_params.model.replace(/^ollama(_chat)?\//, "")] as [string, string]] : [])),
    );
  } catch {
    return null;
  }
}
