// What the LiteLLM proxy adds to one model call: the same small call sent straight to the Ollama
// stand-in's /api/chat (as LiteLLM itself sends it) and through the real proxy's
// /v1/chat/completions (litellm/run.sh, the project's litellm/config.yaml), alternating, after a
// warm-up. Both non-streaming and streamed (read to the last chunk). Also the proxy's own CPU per
// call and its x-litellm-overhead-duration-ms header. Writes the "Proxy overhead" section of
// bench/RESULTS.md.
//   cd orchestrator && bun ../bench/proxy/run.ts [--calls 40] [--no-write]
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { startOllamaStandIn } from "../../orchestrator/testing/ollama/standin.ts";
import { ollamaReply } from "../../orchestrator/testing/ollama/script.ts";
import { startLiteLLM } from "../../orchestrator/testing/proxy/litellm.ts";
import { coreCount, cpuModel, machineBusyMs } from "../lib/machine.ts";
import { replaceSection, updateResults } from "../lib/results-md.ts";
import { median, quantile } from "../lib/stats.ts";

const { values } = parseArgs({ options: { calls: { type: "string", default: "40" }, "no-write": { type: "boolean", default: false } } });
const CALLS = Number(values.calls);
const MODEL = "qwen2.5-coder:7b-instruct";
const messages = [{ role: "user", content: "Say hello." }];

/** CPU ms the process has used so far (utime + stime from /proc). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function timed(run: () => Promise<Response>): Promise<{ ms: number; overhead: number }> {
  const t = performance.now();
  const res = await run();
  await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return { ms: performance.now() - t, overhead: Number(res.headers.get("x-litellm-overhead-duration-ms")) };
}

const started = Date.now();
await using ollama = await startOllamaStandIn({ defaultScript: ollamaReply.text("Hello from the Ollama stand-in.").chunkChars(6) });
await using proxy = await startLiteLLM({ ollamaUrl: ollama.url });
const direct = (stream: boolean) => () =>
  fetch(`${ollama.url}/api/chat`, { method: "POST", body: JSON.stringify({ model: MODEL, messages, options: { num_ctx: 16384 }, stream, keep_alive: "30m" }) });
const viaProxy = (stream: boolean) => () =>
  fetch(`${proxy.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${proxy.masterKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fast-coder", messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) }),
  });

const rows: string[] = [];
for (const stream of [false, true]) {
  for (let i = 0; i < 5; i++) await Promise.all([timed(direct(stream)), timed(viaProxy(stream))]);
  const d: number[] = [];
  const p: number[] = [];
  const own: number[] = [];
  let proxyCpu = 0;
  const busy0 = machineBusyMs();
  const wall0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    d.push((await timed(direct(stream))).ms);
    const cpu0 = cpuMsOf(proxy.pid);
    const r = await timed(viaProxy(stream));
    proxyCpu += cpuMsOf(proxy.pid) - cpu0;
    p.push(r.ms);
    // LiteLLM sets the header on whole answers only; a stream's headers leave before the work is done.
    if (!stream && Number.isFinite(r.overhead)) own.push(r.overhead);
  }
  const load = (machineBusyMs() - busy0) / (performance.now() - wall0);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  rows.push(
    `| ${stream ? "streamed (5 chunks, read to the end)" : "non-streaming"} | ${f(median(d))} (p90 ${f(quantile(d, 0.9))}) | ${f(median(p))} (p90 ${f(quantile(p, 0.9))}) | **${f(median(p) - median(d))}** | ${own.length ? f(median(own)) : "-"} | ${(proxyCpu / CALLS).toFixed(1)} CPU-ms | ${load.toFixed(2)} cores |`,
  );
}

const took = Math.round((Date.now() - started) / 1000);
const body = `Command: \`cd orchestrator && bun ../bench/proxy/run.ts --calls ${CALLS}\` (${new Date().toISOString().slice(0, 10)}, UTC; took ${took} s).
Machine: ${coreCount()} cores, ${cpuModel()}; bun ${Bun.version}; LiteLLM 1.80.11 from litellm/run.sh (httpx transport, as litellm/config.yaml sets), ready in ${(proxy.readyMs / 1000).toFixed(1)} s.

Method: the Ollama stand-in (testing/ollama) answers "Say hello." with 5 chunks at once. After 5 warm-up pairs, ${CALLS} calls of each kind, alternating: straight to the stand-in's \`/api/chat\` (the body LiteLLM sends it) and through the proxy's \`/v1/chat/completions\` for \`fast-coder\`. A call's time runs from the request to its last byte. "added" is the difference of the medians; "proxy's own" is its \`x-litellm-overhead-duration-ms\` header (non-streaming only); "proxy CPU" is the proxy process's user+sys per call; "load" is the whole machine's busy CPU during the timed calls, this bench included.

| call | direct to Ollama, median | through LiteLLM, median | added | proxy's own | proxy CPU per call | load |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

Against a real model this is small: a 7B model takes seconds per reply. It is what the proxy costs per call, not per token.
`;
console.log(body);
if (!values["no-write"]) await updateResults((t) => replaceSection(t, "## Proxy overhead (bench/proxy)", body));
