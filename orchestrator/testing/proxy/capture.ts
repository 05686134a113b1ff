// One HTTP exchange with a proxy (the real LiteLLM or the scripted server), kept as status,
// headers and body, with everything that changes from run to run masked: ids, timestamps,
// durations, ports, deployment hashes. Two masked captures of the same scenario are equal when
// the servers answer alike.
import type { ScenarioRequest } from "./scenarios.ts";

export interface ProxyCapture {
  name: string;
  description: string;
  request: ScenarioRequest;
  status: number;
  /** Lower-cased names, sorted, without the transport's own (date, server, lengths). */
  headers: Array<[string, string]>;
  /** The body as sent (SSE events included), masked. */
  body: string;
}

/** Headers that belong to the transport or the moment, not to the answer. */
const DROPPED = new Set(["date", "server", "content-length", "transfer-encoding", "connection", "keep-alive", "vary"]);

/** Headers whose value changes every call; their presence is what is compared. */
const VOLATILE = new Set([
  "x-litellm-call-id",
  "x-litellm-model-id",
  "x-litellm-response-duration-ms",
  "x-litellm-overhead-duration-ms",
  "llm_provider-date",
]);

export async function exchange(origin: string, request: ScenarioRequest): Promise<{ status: number; headers: Headers; body: string }> {
  const headers: Record<string, string> = {};
  if (request.key !== null) headers.authorization = `Bearer ${request.key}`;
  if (request.body) headers["content-type"] = "application/json";
  const res = await fetch(`${origin}${request.path}`, {
    method: request.method,
    headers,
    body: request.body ? JSON.stringify(request.body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

export function maskBody(body: string): string {
  return body
    // Completion and chunk ids (chatcmpl-..., uuids), not model ids such as "fast-coder".
    .replace(/"id":\s*"(chatcmpl-[^"]*|[0-9a-f]{8}-[0-9a-f-]{27})"/g, '"id":"<id>"')
    .replace(/"created":\s*\d+/g, '"created":0')
    .replace(/(127\.0\.0\.1|localhost):\d+/g, "$1:<port>")
    .replace(/cooldown_list=\[[^\]]*\]/g, "cooldown_list=[<deployments>]")
    .replace(/Try again in \d+ seconds/g, "Try again in <n> seconds");
}

export function maskHeaders(headers: Headers): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (DROPPED.has(key) || key.startsWith("llm_provider-")) return;
    out.push([key, VOLATILE.has(key) ? "<masked>" : maskBody(value)]);
  });
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function capture(origin: string, s: { name: string; description: string; request: ScenarioRequest }): Promise<ProxyCapture> {
  const got = await exchange(origin, s.request);
  return {
    name: s.name,
    description: s.description,
    request: s.request,
    status: got.status,
    headers: maskHeaders(got.headers),
    body: maskBody(got.body),
  };
}
