// `smol-coder doctor`: checks everything a run needs before a model is ever called, one
// line per check, each failure with one concrete fix. Pure apart from the probes it is
// asked to make: HTTP (injectable fetch), PATH look-ups (injectable which), the workspace's
// package.json and a probe file in the state and log dirs. Never throws; never prints the
// API key. The exit code is the CLI's decision (ok only when every check passes).
import fs from "node:fs/promises";
import path from "node:path";

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** Required when !ok: one concrete sentence or command. */
  fix?: string;
}

export interface DoctorOptions {
  litellmUrl: string;
  apiKey: string;
  /** The model names expected in /v1/models. */
  models: string[];
  workspace?: string;
  /** Must be writable: created if missing, then a probe file is written and deleted. */
  stateDir: string;
  logDir: string;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Default Bun.which. */
  which?: (cmd: string) => string | null;
  /** Per HTTP probe; default 5000. */
  timeoutMs?: number;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

export const CHECK_NAMES = {
  reachable: "litellm reachable",
  apiKey: "api key",
  models: "models listed",
  patch: "patch",
  git: "git",
  workspace: "workspace",
  stateDir: "state dir",
  logDir: "log dir",
} as const;

const REQUIRED_SCRIPTS = ["typecheck", "lint", "build"] as const;
const SUGGESTED_SCRIPTS: Record<(typeof REQUIRED_SCRIPTS)[number], string> = {
  typecheck: "tsc --noEmit",
  lint: "eslint .",
  build: "vite build",
};
const OLLAMA_PORT = "11434";
const START_PROXY = "`docker compose up -d` from the repo root";

// ---------------------------------------------------------------------------------------
// HTTP probing
// ---------------------------------------------------------------------------------------

type Probe =
  | { kind: "response"; status: number; body: string; ms: number }
  | { kind: "timeout"; ms: number }
  | { kind: "network"; code: string; message: string; ms: number };

interface Endpoints {
  /** LITELLM_URL without trailing slashes, credentials stripped for display. */
  base: string;
  /** base without a trailing /v1: where LiteLLM serves /health/*. */
  origin: string;
  port: string;
  display: string;
}

function endpoints(litellmUrl: string): Endpoints | string {
  let url: URL;
  try {
    url = new URL(litellmUrl.trim());
  } catch {
    return "not a valid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `unsupported protocol ${url.protocol}`;
  url.hash = "";
  url.search = "";
  const pathname = url.pathname.replace(/\/+$/, "");
  const root = `${url.protocol}//${url.host}`;
  const base = `${root}${pathname}`;
  const origin = `${root}${pathname.replace(/\/v1$/, "")}`;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  // `root` is built from host only, so user:password never reaches a message.
  return { base, origin, port, display: base };
}

async function probe(
  doFetch: typeof fetch,
  url: string,
  timeoutMs: number,
  headers: Record<string, string>,
  redact: (s: string) => string,
): Promise<Probe> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const res = await doFetch(url, {
      method: "GET",
      headers: { accept: "application/json", ...headers },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "follow",
    });
    let body = "";
    try {
      body = await res.text();
    } catch {
      body = "";
    }
    return { kind: "response", status: res.status, body, ms: ms() };
  } catch (err) {
    const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown } };
    if (e?.name === "TimeoutError" || e?.name === "AbortError") return { kind: "timeout", ms: ms() };
    const code =
      typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : "FetchError";
    const message = redact(typeof e?.message === "string" ? e.message : String(err));
    return { kind: "network", code, message, ms: ms() };
  }
}

function makeRedactor(apiKey: string): (s: string) => string {
  return (s: string) => {
    let out = s.replace(/(Received API Key\s*=\s*)\S+/gi, "$1[redacted]").replace(/(Bearer\s+)\S+/gi, "$1[redacted]");
    if (apiKey.length > 0) out = out.split(apiKey).join("[redacted]");
    return out;
  };
}

/** A short, key-free excerpt of an error body: error.message / detail if JSON, else text. */
function excerpt(body: string, redact: (s: string) => string): string {
  let text = body.trim();
  try {
    const j = JSON.parse(text) as any;
    const m = j?.error?.message ?? j?.detail ?? j?.message;
    if (typeof m === "string") text = m;
  } catch {
    // not JSON: keep the text
  }
  text = redact(text.replace(/\s+/g, " "));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function describeFailure(p: Exclude<Probe, { kind: "response" }>, timeoutMs: number): string {
  if (p.kind === "timeout") return `no answer within ${timeoutMs} ms`;
  if (p.code === "ConnectionRefused" || p.code === "ECONNREFUSED") return "connection refused";
  return `${p.code}: ${p.message}`;
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

async function serverChecks(
  opts: DoctorOptions,
  doFetch: typeof fetch,
  timeoutMs: number,
): Promise<[DoctorCheck, DoctorCheck, DoctorCheck]> {
  const redact = makeRedactor(opts.apiKey);
  const ep = endpoints(opts.litellmUrl);
  if (typeof ep === "string") {
    const fix = "Set LITELLM_URL to the proxy's OpenAI base URL, e.g. `export LITELLM_URL=http://localhost:4000/v1`.";
    return [
      { name: CHECK_NAMES.reachable, ok: false, detail: `LITELLM_URL is ${ep}`, fix },
      skipped(CHECK_NAMES.apiKey, "LITELLM_URL is unusable", CHECK_NAMES.reachable),
      skipped(CHECK_NAMES.models, "LITELLM_URL is unusable", CHECK_NAMES.reachable),
    ];
  }

  const livenessUrl = `${ep.origin}/health/liveliness`;
  const modelsUrl = `${ep.base}/models`;
  const portIsOllama = ep.port === OLLAMA_PORT;

  // 1. reachable ------------------------------------------------------------------------
  const live = await probe(doFetch, livenessUrl, timeoutMs, {}, redact);
  if (live.kind !== "response") {
    const why = describeFailure(live, timeoutMs);
    const fix = portIsOllama
      ? `LITELLM_URL points at Ollama's port ${OLLAMA_PORT}; start the proxy with ${START_PROXY} and set LITELLM_URL=http://localhost:4000/v1.`
      : `Start the proxy with ${START_PROXY}, and check LITELLM_URL (now ${ep.display}).`;
    return [
      { name: CHECK_NAMES.reachable, ok: false, detail: `${livenessUrl}: ${why}`, fix },
      skipped(CHECK_NAMES.apiKey, "LiteLLM is not reachable", CHECK_NAMES.reachable),
      skipped(CHECK_NAMES.models, "LiteLLM is not reachable", CHECK_NAMES.reachable),
    ];
  }

  const auth = { authorization: `Bearer ${opts.apiKey}` };
  const models = await probe(doFetch, modelsUrl, timeoutMs, auth, redact);
  const modelsOk = models.kind === "response" && models.status >= 200 && models.status < 300;
  const ollama = modelsOk && (portIsOllama || live.status === 404);

  let reachable: DoctorCheck;
  if (ollama) {
    reachable = {
      name: CHECK_NAMES.reachable,
      ok: true,
      detail:
        `${ep.display} looks like Ollama, not LiteLLM (no /health/liveliness, /models answers): works, ` +
        "but the proxy's central limits and num_ctx are lost; prefer LITELLM_URL=http://localhost:4000/v1",
    };
  } else if (live.status >= 200 && live.status < 300) {
    reachable = { name: CHECK_NAMES.reachable, ok: true, detail: `${ep.origin} (liveliness ${live.status}, ${live.ms} ms)` };
  } else if (live.status === 404) {
    reachable = {
      name: CHECK_NAMES.reachable,
      ok: false,
      detail: `${livenessUrl} answered 404: this is not a LiteLLM proxy`,
      fix: `Point LITELLM_URL at the LiteLLM proxy (e.g. http://localhost:4000/v1) and start it with ${START_PROXY}.`,
    };
  } else {
    const body = excerpt(live.body, redact);
    reachable = {
      name: CHECK_NAMES.reachable,
      ok: false,
      detail: `${livenessUrl} answered ${live.status} (unhealthy)${body ? `: ${body}` : ""}`,
      fix: `Read the proxy's logs with \`docker compose logs\` from the repo root, then restart it with ${START_PROXY}.`,
    };
  }

  // 2. api key --------------------------------------------------------------------------
  let apiKey: DoctorCheck;
  if (models.kind !== "response") {
    const why = describeFailure(models, timeoutMs);
    const fix = `Start the proxy with ${START_PROXY}, and check LITELLM_URL (now ${ep.display}).`;
    return [
      reachable,
      { name: CHECK_NAMES.apiKey, ok: false, detail: `${modelsUrl}: ${why}`, fix },
      skipped(CHECK_NAMES.models, `${modelsUrl} did not answer`, CHECK_NAMES.apiKey),
    ];
  }
  if (models.status === 401 || models.status === 403) {
    // The body is not echoed: LiteLLM quotes part of the rejected key in it.
    apiKey = {
      name: CHECK_NAMES.apiKey,
      ok: false,
      detail: `${modelsUrl} answered ${models.status}: the proxy rejected LITELLM_API_KEY`,
      fix: "Set LITELLM_API_KEY to the proxy's master key (LITELLM_MASTER_KEY in compose.yaml); they must match exactly.",
    };
    return [reachable, apiKey, skipped(CHECK_NAMES.models, "the API key was rejected", CHECK_NAMES.apiKey)];
  }
  if (!modelsOk) {
    const body = excerpt(models.body, redact);
    const notFound = models.status === 404;
    apiKey = {
      name: CHECK_NAMES.apiKey,
      ok: false,
      detail: `${modelsUrl} answered ${models.status}${body ? `: ${body}` : ""}`,
      fix: notFound
        ? "Set LITELLM_URL to the proxy's OpenAI base URL ending in /v1, e.g. `export LITELLM_URL=http://localhost:4000/v1`."
        : `Read the proxy's logs with \`docker compose logs\` from the repo root, then restart it with ${START_PROXY}.`,
    };
    return [reachable, apiKey, skipped(CHECK_NAMES.models, `${modelsUrl} failed`, CHECK_NAMES.apiKey)];
  }
  apiKey = {
    name: CHECK_NAMES.apiKey,
    ok: true,
    detail: ollama
      ? "Ollama does not check keys (LITELLM_API_KEY unused)"
      : `accepted by ${modelsUrl} (key not shown)`,
  };

  // 3. models ---------------------------------------------------------------------------
  const listed = modelIds(models.body);
  let modelsCheck: DoctorCheck;
  if (listed === null) {
    modelsCheck = {
      name: CHECK_NAMES.models,
      ok: false,
      detail: `${modelsUrl} did not return an OpenAI model list`,
      fix: "Set LITELLM_URL to the LiteLLM proxy's /v1 URL, e.g. `export LITELLM_URL=http://localhost:4000/v1`.",
    };
  } else {
    const have = new Set(listed);
    const missing = opts.models.filter((m) => !have.has(m));
    if (missing.length === 0) {
      modelsCheck = { name: CHECK_NAMES.models, ok: true, detail: opts.models.join(", ") };
    } else {
      const shown = listed.length > 0 ? listed.slice(0, 8).join(", ") + (listed.length > 8 ? ", ..." : "") : "none";
      modelsCheck = {
        name: CHECK_NAMES.models,
        ok: false,
        detail: `missing ${missing.join(", ")} (listed: ${shown})`,
        fix: ollama
          ? `Ollama only knows its own tags: point LITELLM_URL at the LiteLLM proxy (http://localhost:4000/v1), which maps ${missing.join(", ")} in litellm/config.yaml.`
          : `Add ${missing.map((m) => `\`model_name: ${m}\``).join(", ")} to model_list in litellm/config.yaml, then \`docker compose restart\` from the repo root.`,
      };
    }
  }
  return [reachable, apiKey, modelsCheck];
}

/** A check that could not run because an earlier one failed. */
function skipped(name: string, because: string, blocker: string): DoctorCheck {
  return {
    name,
    ok: false,
    detail: `not checked: ${because}`,
    fix: `Fix "${blocker}" above first, then re-run doctor.`,
  };
}

// ---------------------------------------------------------------------------------------
// Local checks
// ---------------------------------------------------------------------------------------

function toolCheck(name: string, which: (cmd: string) => string | null): DoctorCheck {
  let found: string | null = null;
  try {
    found = which(name);
  } catch {
    found = null;
  }
  return found
    ? { name, ok: true, detail: found }
    : { name, ok: false, detail: `${name} not found on PATH`, fix: `apt-get install -y ${name}` };
}

function errCode(err: unknown): string {
  const c = (err as { code?: unknown })?.code;
  return typeof c === "string" ? c : "";
}

function errText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e?.message === "string" ? e.message : String(err);
}

async function workspaceCheck(workspace: string): Promise<DoctorCheck> {
  const name = CHECK_NAMES.workspace;
  const dir = path.resolve(workspace);
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    const code = errCode(err);
    return {
      name,
      ok: false,
      detail: code === "ENOENT" ? `${dir} does not exist` : `${dir}: ${errText(err)}`,
      fix: "Pass --workspace the path of an existing project directory (the one holding package.json).",
    };
  }
  if (!stat.isDirectory()) {
    return {
      name,
      ok: false,
      detail: `${dir} is not a directory`,
      fix: "Pass --workspace the project directory, not a file inside it.",
    };
  }
  const pkgPath = path.join(dir, "package.json");
  let raw: string;
  try {
    raw = await fs.readFile(pkgPath, "utf8");
  } catch (err) {
    return {
      name,
      ok: false,
      detail: errCode(err) === "ENOENT" ? `${dir} has no package.json` : `${pkgPath}: ${errText(err)}`,
      fix: `Create ${pkgPath} with ${scriptsBlock([...REQUIRED_SCRIPTS])} (or pass --workspace the project's root).`,
    };
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(raw);
  } catch (err) {
    return {
      name,
      ok: false,
      detail: `${pkgPath} is not valid JSON: ${errText(err)}`,
      fix: `Repair the JSON in ${pkgPath} (\`bunx prettier --check ${pkgPath}\` shows where it breaks).`,
    };
  }
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  const defined = REQUIRED_SCRIPTS.filter(
    (s) =>
      scripts !== null &&
      typeof scripts === "object" &&
      typeof (scripts as Record<string, unknown>)[s] === "string" &&
      ((scripts as Record<string, string>)[s] ?? "").trim().length > 0,
  );
  const missing = REQUIRED_SCRIPTS.filter((s) => !defined.includes(s));
  const summary = REQUIRED_SCRIPTS.map((s) => `${s} ${defined.includes(s) ? "yes" : "no"}`).join(", ");
  if (missing.length === 0) return { name, ok: true, detail: `${dir} (scripts: ${summary})` };
  return {
    name,
    ok: false,
    detail: `${dir} lacks script${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (scripts: ${summary})`,
    fix: `Add to ${pkgPath}: ${scriptsBlock(missing)} (adjust the commands to the project).`,
  };
}

function scriptsBlock(names: string[]): string {
  const entries = names.map((n) => `"${n}": "${SUGGESTED_SCRIPTS[n as keyof typeof SUGGESTED_SCRIPTS] ?? ""}"`);
  return `"scripts": { ${entries.join(", ")} }`;
}

async function writableCheck(name: string, dirOption: string, envHint: string | null): Promise<DoctorCheck> {
  const dir = path.resolve(dirOption);
  const probePath = path.join(dir, `.smol-doctor-${process.pid}-${crypto.randomUUID().slice(0, 8)}`);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(probePath, "probe\n", { flag: "wx" });
    await fs.unlink(probePath);
    return { name, ok: true, detail: `${dir} is writable` };
  } catch (err) {
    await fs.rm(probePath, { force: true }).catch(() => undefined);
    const code = errCode(err);
    const other = envHint ? `, or set ${envHint} to a writable directory` : ", or use a writable directory";
    let fix: string;
    if (code === "ENOTDIR" || code === "EEXIST") {
      fix = `A file sits where ${dir} or one of its parents should be a directory: move it aside${other}.`;
    } else if (code === "EACCES" || code === "EPERM") {
      fix = `Make it writable with \`mkdir -p ${dir} && chown -R "$(id -u)" ${dir}\`${other}.`;
    } else if (code === "EROFS") {
      fix = `${dir} is on a read-only filesystem${other}.`;
    } else {
      fix = `Create it with \`mkdir -p ${dir}\` and make it writable${other}.`;
    }
    return { name, ok: false, detail: `cannot write ${dir}: ${code || errText(err)}`, fix };
  }
}

// ---------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------

async function guard(name: string, run: () => Promise<DoctorCheck>): Promise<DoctorCheck> {
  try {
    return await run();
  } catch (err) {
    return { name, ok: false, detail: `doctor crashed: ${errText(err)}`, fix: "Report this doctor bug with the line above." };
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const which = options.which ?? ((cmd: string) => Bun.which(cmd));
  const timeoutMs = options.timeoutMs ?? 5000;
  const redact = makeRedactor(options.apiKey);

  const server = serverChecks(options, doFetch, timeoutMs).catch((err): [DoctorCheck, DoctorCheck, DoctorCheck] => {
    const fail = (name: string): DoctorCheck => ({
      name,
      ok: false,
      detail: `doctor crashed: ${redact(errText(err))}`,
      fix: "Report this doctor bug with the line above.",
    });
    return [fail(CHECK_NAMES.reachable), fail(CHECK_NAMES.apiKey), fail(CHECK_NAMES.models)];
  });
  const workspace =
    options.workspace === undefined
      ? Promise.resolve(null)
      : guard(CHECK_NAMES.workspace, () => workspaceCheck(options.workspace!));
  const stateDir = guard(CHECK_NAMES.stateDir, () => writableCheck(CHECK_NAMES.stateDir, options.stateDir, null));
  const logDir = guard(CHECK_NAMES.logDir, () => writableCheck(CHECK_NAMES.logDir, options.logDir, "SMOL_LOG_DIR"));

  const checks: DoctorCheck[] = [
    ...(await server),
    toolCheck(CHECK_NAMES.patch, which),
    toolCheck(CHECK_NAMES.git, which),
  ];
  const ws = await workspace;
  if (ws) checks.push(ws);
  checks.push(await stateDir, await logDir);
  return { ok: checks.every((c) => c.ok), checks };
}

export function formatDoctor(result: DoctorResult): string {
  const width = Math.max(0, ...result.checks.map((c) => c.name.length));
  const lines = result.checks.map((c) => {
    const head = `${(c.ok ? "ok" : "FAIL").padEnd(5)}${c.name.padEnd(width + 2)}${c.detail}`;
    return c.ok ? head : `${head} — fix: ${c.fix ?? "see the detail above."}`;
  });
  const failed = result.checks.filter((c) => !c.ok);
  const total = result.checks.length;
  lines.push(
    failed.length === 0
      ? `all ${total} checks passed`
      : `${failed.length} of ${total} checks failed: ${failed.map((c) => c.name).join(", ")}`,
  );
  return lines.join("\n");
}
