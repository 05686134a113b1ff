// The Ollama stand-in against a real Ollama: each request recorded from a real Ollama 0.17.4
// (testing/fixtures/ollama/) is sent to the stand-in, and its answer must have the same status,
// the same headers and the same JSON shape, key order included (the texts and numbers are the
// model's own); error bodies must match exactly. Then what only the stand-in does: faults,
// recording, counting generations.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ollamaReply } from "../../testing/ollama/script.ts";
import { startOllamaStandIn } from "../../testing/ollama/standin.ts";

const DIR = path.resolve(import.meta.dir, "..", "..", "testing", "fixtures", "ollama");

interface Recorded {
  request: { method: string; path: string; body: unknown };
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

function recorded(name: string): Recorded {
  return JSON.parse(readFileSync(path.join(DIR, `${name}.json`), "utf8"));
}

/** Keys in order, values replaced by their type: two answers of one shape are equal. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value === null ? "null" : typeof value;
}

async function ask(url: string, r: Recorded["request"]) {
  const raw = (r.body as { _raw_invalid_json?: string } | null)?._raw_invalid_json;
  const body = r.method === "POST" ? (raw ?? JSON.stringify(r.body)) : undefined;
  const res = await fetch(`${url}${r.path}`, { method: r.method, body, headers: body ? { "content-type": "application/json" } : {} });
  const names = [...res.headers.keys()].filter((n) => n !== "date").sort();
  return { status: res.status, type: res.headers.get("content-type"), names, body: await res.text() };
}

function headerFacts(rec: Recorded) {
  return {
    type: rec.headers.find(([n]) => n.toLowerCase() === "content-type")?.[1] ?? null,
    names: rec.headers.map(([n]) => n.toLowerCase()).filter((n) => n !== "date").sort(),
  };
}

describe("the stand-in answers as a real Ollama 0.17.4 did", () => {
  const SMOL = "smollm2:135m";

  test("a streamed /api/chat: NDJSON chunks and the final one with done_reason and the Metrics, in Ollama's key order", async () => {
    await using o = await startOllamaStandIn({ models: [SMOL] });
    const rec = recorded("chat-stream");
    const got = await ask(o.url, rec.request);
    expect({ status: got.status, type: got.type, names: got.names }).toEqual({ status: rec.status, ...headerFacts(rec) });
    const real = rec.body.trim().split("\n").map((l) => JSON.parse(l));
    const ours = got.body.trim().split("\n").map((l) => JSON.parse(l));
    expect(shape(ours[0])).toEqual(shape(real[0]));
    expect(shape(ours.at(-1))).toEqual(shape(real.at(-1)));
    expect(ours.at(-1).message.content).toBe("");
    expect(ours.slice(0, -1).every((c: { done: boolean }) => c.done === false)).toBe(true);
  });

  test("a /api/chat with stream false: one JSON object with Content-Length", async () => {
    await using o = await startOllamaStandIn({ models: [SMOL] });
    const rec = recorded("chat-json");
    const got = await ask(o.url, rec.request);
    expect({ status: got.status, type: got.type, names: got.names }).toEqual({ status: rec.status, ...headerFacts(rec) });
    expect(shape(JSON.parse(got.body))).toEqual(shape(JSON.parse(rec.body)));
  });

  for (const name of ["chat-not-found", "chat-not-found-stream", "chat-not-found-tagless", "chat-no-model", "chat-bad-json", "show-not-found", "root"]) {
    test(`${name}: the same status, headers and body, byte for byte`, async () => {
      await using o = await startOllamaStandIn({ models: [SMOL] });
      const rec = recorded(name);
      const got = await ask(o.url, rec.request);
      expect(got).toEqual({ status: rec.status, ...headerFacts(rec), body: rec.body });
    });
  }

  test("/api/tags and /api/version: the same shape", async () => {
    await using o = await startOllamaStandIn({ models: [SMOL] });
    for (const name of ["tags", "version"]) {
      const rec = recorded(name);
      const got = await ask(o.url, rec.request);
      expect({ status: got.status, type: got.type, names: got.names }).toEqual({ status: rec.status, ...headerFacts(rec) });
      expect(shape(JSON.parse(got.body))).toEqual(shape(JSON.parse(rec.body)));
    }
  });

  test("/api/show: keys a real ShowResponse has (license, which this GGUF lacks, too), details and capabilities alike", async () => {
    await using o = await startOllamaStandIn({ models: [SMOL] });
    const rec = recorded("show");
    const got = await ask(o.url, rec.request);
    expect(got.status).toBe(200);
    const real = JSON.parse(rec.body);
    const ours = JSON.parse(got.body);
    for (const key of Object.keys(ours)) expect([...Object.keys(real), "license"]).toContain(key);
    expect(shape(ours.details)).toEqual(shape(real.details));
    expect(ours.capabilities).toContain("completion");
  });
});

describe("what the stand-in adds", () => {
  test("records every request, and counts generations from the request to the last chunk", async () => {
    await using o = await startOllamaStandIn();
    const release = Promise.withResolvers<void>();
    o.enqueue("*", ollamaReply.text("slow").waitFor(release.promise), ollamaReply.text("slow").waitFor(release.promise));
    const body = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], stream: false });
    const calls = [fetch(`${o.url}/api/chat`, { method: "POST", body: body("qwen2.5:7b-instruct") }), fetch(`${o.url}/api/chat`, { method: "POST", body: body("qwen2.5:7b-instruct") })];
    await o.waitFor(() => o.active("qwen2.5:7b-instruct") === 2, "2 generations");
    release.resolve();
    await Promise.all(calls.map(async (c) => (await c).text()));
    expect(o.active()).toBe(0);
    expect(o.maxActive("qwen2.5:7b-instruct")).toBe(2);
    expect(o.chats().map((c) => c.body.model)).toEqual(["qwen2.5:7b-instruct", "qwen2.5:7b-instruct"]);
  });

  test("a break ends the body without its last chunk; down refuses connections; up serves again on the same port", async () => {
    await using o = await startOllamaStandIn();
    o.enqueue("*", ollamaReply.text("abcdefgh").chunkChars(2).breakAfter(2));
    const res = await fetch(`${o.url}/api/chat`, { method: "POST", body: JSON.stringify({ model: "qwen2.5:7b-instruct", messages: [] }) });
    const read = await res.text().then(
      (t) => ({ ok: true, t }),
      (e: Error) => ({ ok: false, t: e.message }),
    );
    expect(read.ok).toBe(false);
    o.down();
    expect(await fetch(`${o.url}/api/version`).then(() => "answered", () => "refused")).toBe("refused");
    o.up();
    expect(await (await fetch(`${o.url}/api/version`)).json()).toEqual({ version: "0.17.4" });
  });
});
