// The fault table, over the real proxy's recorded answers (testing/fixtures/proxy/) and the other
// servers a user may point LITELLM_URL at by mistake.
import { describe, expect, test } from "bun:test";
import { classifyHttpAnswer, classifyStreamError, isUnavailable, type ModelFailureReason } from "../../src/executor/model-faults.ts";
import { loadFixture, type FixtureName } from "../../testing/model-server/litellm-format.ts";

function fromFixture(name: FixtureName) {
  const f = loadFixture(name);
  const type = f.headers.find(([n]) => n === "content-type")?.[1] ?? "";
  return classifyHttpAnswer({ status: f.status, contentType: type, body: f.body });
}

describe("the real proxy's faults", () => {
  const rows: Array<[FixtureName, ModelFailureReason, boolean]> = [
    ["wrong-key", "auth", false],
    ["no-key", "auth", false],
    ["unknown-model", "unknown_model", false],
    ["ollama-down", "ollama_unreachable", true],
    ["model-not-pulled", "model_not_pulled", false],
    ["runner-crashed", "server_error", true],
    ["cooldown", "server_error", true],
  ];
  for (const [name, reason, retryable] of rows) {
    test(`${name} -> ${reason}${retryable ? ", retried" : ""}`, () => {
      expect(fromFixture(name)).toMatchObject({ reason, retryable });
    });
  }

  test("a model not pulled names the Ollama model, from Ollama's body inside the proxy's message", () => {
    expect(fromFixture("model-not-pulled").ollamaModel).toBe("qwen2.5-coder:7b-instruct");
  });

  test("the stream-break and in-band error events, after part of the reply, are a broken stream", () => {
    for (const name of ["stream-break", "stream-error-line"] as const) {
      const event = loadFixture(name).body.split("\n\n").find((e) => e.includes('"error"'))!;
      const { error } = JSON.parse(event.slice("data: ".length));
      expect(classifyStreamError(error, 12)).toMatchObject({ reason: "stream_broken", retryable: false });
      expect(classifyStreamError(error, 12).message).toContain("broke off after 12 characters");
    }
  });
});

describe("other servers and other words", () => {
  const rows: Array<[string, { status: number; contentType?: string; body: string }, ModelFailureReason, boolean]> = [
    ["Ollama's own /v1 for a model not pulled", { status: 404, body: '{"error":{"message":"model \'qwen2.5:7b-instruct\' not found","type":"api_error","param":null,"code":null}}' }, "model_not_pulled", false],
    ["Ollama scheduling: not found, try pulling it first", { status: 500, body: '{"error":{"message":"litellm.APIConnectionError: Ollama_chatException - {\\"error\\":\\"model \\\\\\"x:1b\\\\\\" not found, try pulling it first\\"}"}}' }, "model_not_pulled", false],
    ["the aiohttp transport's words for Ollama down", { status: 500, body: '{"error":{"message":"litellm.APIConnectionError: Ollama_chatException - Cannot connect to host 127.0.0.1:11434 ssl:default [Connect call failed (\'127.0.0.1\', 11434)]","code":"500"}}' }, "ollama_unreachable", true],
    ["host.docker.internal that does not resolve", { status: 500, body: '{"error":{"message":"litellm.APIConnectionError: Ollama_chatException - [Errno -2] Name or service not known","code":"500"}}' }, "ollama_unreachable", true],
    ["a proxy timeout waiting for Ollama", { status: 500, body: '{"error":{"message":"litellm.APIConnectionError: Ollama_chatException - litellm.Timeout: Connection timed out.","code":"500"}}' }, "server_error", true],
    ["401 from another OpenAI server", { status: 401, body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}' }, "auth", false],
    ["403", { status: 403, body: '{"error":{"message":"forbidden"}}' }, "auth", false],
    ["OpenAI's own unknown model", { status: 404, body: '{"error":{"message":"The model `gpt-9` does not exist","code":"model_not_found"}}' }, "unknown_model", false],
    ["408", { status: 408, body: '{"error":{"message":"request timeout"}}' }, "server_error", true],
    ["a 400 the model cannot fix", { status: 400, body: '{"error":{"message":"context length exceeded"}}' }, "server_error", false],
    ["an HTML 502 from a gateway: retried, then not OpenAI", { status: 502, contentType: "text/html", body: "<html><h1>502 Bad Gateway</h1></html>" }, "protocol", true],
    ["FastAPI's 404 for a path without /v1", { status: 404, contentType: "application/json", body: '{"detail":"Not Found"}' }, "protocol", false],
    ["an empty 404", { status: 404, body: "" }, "protocol", false],
  ];
  for (const [name, answer, reason, retryable] of rows) {
    test(`${name} -> ${reason}`, () => {
      expect(classifyHttpAnswer({ contentType: "application/json", ...answer })).toMatchObject({ reason, retryable });
    });
  }

  test("what was received is in the protocol message, cut short", () => {
    const f = classifyHttpAnswer({ status: 404, contentType: "text/html; charset=utf-8", body: `<html>\n  <body>${"x".repeat(400)}</body></html>` });
    expect(f.message).toStartWith("not an OpenAI-compatible answer (HTTP 404 text/html: <html> <body>xxx");
    expect(f.message.length).toBeLessThan(220);
  });

  test("an error event before any reply is classified like the same answer as a status", () => {
    expect(classifyStreamError({ message: "No connected db.", code: "400" }, 0)).toMatchObject({ reason: "auth" });
    expect(classifyStreamError({ message: "boom", code: null }, 0)).toMatchObject({ reason: "server_error", retryable: true });
  });

  test("exit 3 for the faults no other attempt would fix; failed attempts for the rest", () => {
    const unavailable = ["unreachable", "auth", "unknown_model", "ollama_unreachable", "model_not_pulled", "protocol"] as const;
    for (const r of unavailable) expect(isUnavailable(r)).toBe(true);
    for (const r of ["server_error", "stream_broken", "cut_off", "timeout", "stalled", "aborted"] as const) expect(isUnavailable(r)).toBe(false);
  });
});
