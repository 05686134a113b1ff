// The proxy checks, in the order a request needs them: is LiteLLM reachable, does it accept
// the key, does it list the tiers' models. A check that cannot run after an earlier failure is
// reported as skipped, naming the blocker. Ollama answering in LiteLLM's place passes with a note.
import { ENV_DEFAULTS } from "../../core/defaults.ts";
import { CHECK_NAMES, skipped, type DoctorCheck, type DoctorContext } from "./check.ts";
import { describeFailure, endpoints, excerpt, probe, type Endpoints, type Probe, type Redact } from "./probe.ts";

type ProbeResponse = Extract<Probe, { kind: "response" }>;

const OLLAMA_PORT = "11434";
const PROXY_URL = ENV_DEFAULTS.LITELLM_URL;
const START_PROXY = "`docker compose up -d` from the repo root (or without Docker `litellm/run.sh`)";
const READ_LOGS = `Read the proxy's logs with \`docker compose logs\` from the repo root, then restart it with ${START_PROXY}.`;

function startProxy(ep: Endpoints): string {
  return `Start the proxy with ${START_PROXY}, and check LITELLM_URL (now ${ep.base}).`;
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

/** reachable, api key, models listed: always these three, in this order. */
export async function serverChecks(ctx: DoctorContext): Promise<DoctorCheck[]> {
  const ep = endpoints(ctx.litellmUrl);
  if (typeof ep === "string") {
    const fix = `Set LITELLM_URL to the proxy's OpenAI base URL, e.g. \`export LITELLM_URL=${PROXY_URL}\`.`;
    return [
      { name: CHECK_NAMES.reachable, ok: false, detail: `LITELLM_URL is ${ep}`, fix },
      skipped(CHECK_NAMES.apiKey, "LITELLM_URL is unusable", CHECK_NAMES.reachable),
      skipped(CHECK_NAMES.models, "LITELLM_URL is unusable", CHECK_NAMES.reachable),
    ];
  }

  const livenessUrl = `${ep.origin}/health/liveliness`;
  const modelsUrl = `${ep.base}/models`;
  const portIsOllama = ep.port === OLLAMA_PORT;

  const live = await probe(ctx.fetch, livenessUrl, ctx.timeoutMs, {}, ctx.redact);
  if (live.kind !== "response") {
    const fix = portIsOllama
      ? `LITELLM_URL points at Ollama's port ${OLLAMA_PORT}; start the proxy with ${START_PROXY} and set LITELLM_URL=${PROXY_URL}.`
      : startProxy(ep);
    return [
      { name: CHECK_NAMES.reachable, ok: false, detail: `${livenessUrl}: ${describeFailure(live, ctx.timeoutMs)}`, fix },
      skipped(CHECK_NAMES.apiKey, "LiteLLM is not reachable", CHECK_NAMES.reachable),
      skipped(CHECK_NAMES.models, "LiteLLM is not reachable", CHECK_NAMES.reachable),
    ];
  }

  const models = await probe(ctx.fetch, modelsUrl, ctx.timeoutMs, { authorization: `Bearer ${ctx.apiKey}` }, ctx.redact);
  const modelsOk = models.kind === "response" && is2xx(models.status);
  const ollama = modelsOk && (portIsOllama || live.status === 404);
  const reachable = reachableCheck(ep, livenessUrl, live, ollama, ctx.redact);
  if (models.kind !== "response" || !modelsOk) return [reachable, ...keyRefused(ep, modelsUrl, models, ctx)];
  const apiKey: DoctorCheck = {
    name: CHECK_NAMES.apiKey,
    ok: true,
    detail: ollama ? "Ollama does not check keys (LITELLM_API_KEY unused)" : `accepted by ${modelsUrl} (key not shown)`,
  };
  return [reachable, apiKey, modelsCheck(modelsUrl, models.body, [...new Set(Object.values(ctx.tierModels))], ollama)];
}

function reachableCheck(ep: Endpoints, livenessUrl: string, live: ProbeResponse, ollama: boolean, redact: Redact): DoctorCheck {
  const name = CHECK_NAMES.reachable;
  if (ollama) {
    return {
      name,
      ok: true,
      detail:
        `${ep.base} looks like Ollama, not LiteLLM (no /health/liveliness, /models answers): works, ` +
        `but the proxy's central limits and num_ctx are lost; prefer LITELLM_URL=${PROXY_URL}`,
    };
  }
  if (is2xx(live.status)) return { name, ok: true, detail: `${ep.origin} (liveliness ${live.status}, ${live.ms} ms)` };
  if (live.status === 404) {
    return {
      name,
      ok: false,
      detail: `${livenessUrl} answered 404: this is not a LiteLLM proxy`,
      fix: `Point LITELLM_URL at the LiteLLM proxy (e.g. ${PROXY_URL}) and start it with ${START_PROXY}.`,
    };
  }
  const body = excerpt(live.body, redact);
  return {
    name,
    ok: false,
    detail: `${livenessUrl} answered ${live.status} (unhealthy)${body ? `: ${body}` : ""}`,
    fix: READ_LOGS,
  };
}

/** /models did not answer 2xx: the api key check fails, and the models check is skipped. */
function keyRefused(ep: Endpoints, modelsUrl: string, models: Probe, ctx: DoctorContext): [DoctorCheck, DoctorCheck] {
  const name = CHECK_NAMES.apiKey;
  if (models.kind !== "response") {
    return [
      { name, ok: false, detail: `${modelsUrl}: ${describeFailure(models, ctx.timeoutMs)}`, fix: startProxy(ep) },
      skipped(CHECK_NAMES.models, `${modelsUrl} did not answer`, name),
    ];
  }
  // Without a database LiteLLM answers a key other than its master key with 400 "No connected db.".
  if (models.status === 401 || models.status === 403 || (models.status === 400 && /no_db_connection|No connected db/.test(models.body))) {
    // The body is not echoed: LiteLLM quotes part of the rejected key in some of them.
    const why = models.status === 400 ? ' ("No connected db.": not the master key)' : "";
    const refused: DoctorCheck = {
      name,
      ok: false,
      detail: `${modelsUrl} answered ${models.status}: the proxy refused LITELLM_API_KEY${why}`,
      fix: "Set LITELLM_API_KEY to the proxy's master key (LITELLM_MASTER_KEY in compose.yaml and for litellm/run.sh; dev-key by default); they must match exactly.",
    };
    return [refused, skipped(CHECK_NAMES.models, "the API key was rejected", name)];
  }
  const body = excerpt(models.body, ctx.redact);
  const failed: DoctorCheck = {
    name,
    ok: false,
    detail: `${modelsUrl} answered ${models.status}${body ? `: ${body}` : ""}`,
    fix:
      models.status === 404
        ? `Set LITELLM_URL to the proxy's OpenAI base URL ending in /v1, e.g. \`export LITELLM_URL=${PROXY_URL}\`.`
        : READ_LOGS,
  };
  return [failed, skipped(CHECK_NAMES.models, `${modelsUrl} failed`, name)];
}

function modelIds(body: string): string[] | null {
  try {
    const j = JSON.parse(body) as any;
    if (!Array.isArray(j?.data)) return null;
    return j.data.map((m: any) => (typeof m?.id === "string" ? m.id : "")).filter((id: string) => id.length > 0);
  } catch {
    return null;
  }
}

function modelsCheck(modelsUrl: string, body: string, wanted: string[], ollama: boolean): DoctorCheck {
  const name = CHECK_NAMES.models;
  const listed = modelIds(body);
  if (listed === null) {
    return {
      name,
      ok: false,
      detail: `${modelsUrl} did not return an OpenAI model list`,
      fix: `Set LITELLM_URL to the LiteLLM proxy's /v1 URL, e.g. \`export LITELLM_URL=${PROXY_URL}\`.`,
    };
  }
  const have = new Set(listed);
  const missing = wanted.filter((m) => !have.has(m));
  if (missing.length === 0) return { name, ok: true, detail: wanted.join(", ") };
  const shown = listed.length > 0 ? listed.slice(0, 8).join(", ") + (listed.length > 8 ? ", ..." : "") : "none";
  return {
    name,
    ok: false,
    detail: `missing ${missing.join(", ")} (listed: ${shown})`,
    fix: ollama
      ? `Ollama only knows its own tags: point LITELLM_URL at the LiteLLM proxy (${PROXY_URL}), which maps ${missing.join(", ")} in litellm/config.yaml.`
      : `Add ${missing.map((m) => `\`model_name: ${m}\``).join(", ")} to model_list in litellm/config.yaml, then \`docker compose restart\` from the repo root.`,
  };
}
