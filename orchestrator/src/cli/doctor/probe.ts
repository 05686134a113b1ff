// HTTP probing for the server checks: where to knock (from LITELLM_URL), one GET with a
// timeout that never throws, and the redaction that keeps the API key out of every message.

export type Probe =
  | { kind: "response"; status: number; body: string; ms: number }
  | { kind: "timeout"; ms: number }
  | { kind: "network"; code: string; message: string; ms: number };

export interface Endpoints {
  /** LITELLM_URL without trailing slashes, credentials stripped for display. */
  base: string;
  /** base without a trailing /v1: where LiteLLM serves /health/*. */
  origin: string;
  port: string;
}

export type Redact = (s: string) => string;

/** The URLs to probe, or why LITELLM_URL cannot be used. */
export function endpoints(litellmUrl: string): Endpoints | string {
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
  // `root` is built from host only, so user:password never reaches a message.
  const root = `${url.protocol}//${url.host}`;
  const base = `${root}${pathname}`;
  const origin = `${root}${pathname.replace(/\/v1$/, "")}`;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return { base, origin, port };
}

export async function probe(
  doFetch: typeof fetch,
  url: string,
  timeoutMs: number,
  headers: Record<string, string>,
  redact: Redact,
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

export function makeRedactor(apiKey: string): Redact {
  return (s: string) => {
    let out = s.replace(/(Received API Key\s*=\s*)\S+/gi, "$1[redacted]").replace(/(Bearer\s+)\S+/gi, "$1[redacted]");
    if (apiKey.length > 0) out = out.split(apiKey).join("[redacted]");
    return out;
  };
}

/** A short, key-free excerpt of an error body: error.message / detail if JSON, else text. */
export function excerpt(body: string, redact: Redact): string {
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

export function describeFailure(p: Exclude<Probe, { kind: "response" }>, timeoutMs: number): string {
  if (p.kind === "timeout") return `no answer within ${timeoutMs} ms`;
  if (p.code === "ConnectionRefused" || p.code === "ECONNREFUSED") return "connection refused";
  return `${p.code}: ${p.message}`;
}
