import { afterEach, describe, expect, test } from "bun:test";
import { formatDoctor, runDoctor } from "../../../src/cli/doctor/index.ts";
import { doctorServer, check, closedUrl, expectFixes, failing, KEY, MODELS, options, removeTempDirs } from "../../../testing/doctor-fixture.ts";

afterEach(removeTempDirs);

describe("server checks", () => {
  test("server down: reachable fails with how to start it; key and model checks are not run", async () => {
    const url = await closedUrl();
    const result = await runDoctor(await options({ url }));
    expect(result.ok).toBe(false);
    expect(failing(result.checks)).toEqual(["litellm reachable", "api key", "models listed", "model fast", "model deep", "model reviewer"]);
    const reach = check(result.checks, "litellm reachable");
    expect(reach.detail).toContain("connection refused");
    expect(reach.fix).toContain("docker compose up -d");
    expect(reach.fix).toContain("LITELLM_URL");
    expect(check(result.checks, "api key").detail).toStartWith("not checked");
    expectFixes(result.checks);
    expect(formatDoctor(result)).toContain("FAIL litellm reachable");
  });

  test("unhealthy proxy: reachable fails, the key and models are still checked", async () => {
    await using server = await doctorServer({ health: false });
    const result = await runDoctor(await options(server));
    expect(failing(result.checks)).toEqual(["litellm reachable", "model fast", "model deep", "model reviewer"]);
    expect(check(result.checks, "litellm reachable").detail).toContain("503");
    expect(check(result.checks, "litellm reachable").fix).toContain("docker compose logs");
    expectFixes(result.checks);
  });

  test("a probe that never answers is cut at timeoutMs", async () => {
    await using server = await doctorServer();
    const hanging = ((input: string | URL | Request, init?: RequestInit) => {
      if (String(input).endsWith("/health/liveliness")) {
        return new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
        });
      }
      return fetch(input, init);
    }) as typeof fetch;
    const result = await runDoctor(await options(server, { fetch: hanging, timeoutMs: 50 }));
    const reach = check(result.checks, "litellm reachable");
    expect(reach.ok).toBe(false);
    expect(reach.detail).toContain("no answer within 50 ms");
    expectFixes(result.checks);
  });

  test("wrong key: api key fails with a LITELLM_API_KEY fix, and no key is printed", async () => {
    await using server = await doctorServer({ apiKey: KEY });
    const wrong = "sk-doctor-WRONG-key-9876";
    const result = await runDoctor(await options(server, { apiKey: wrong }));
    expect(failing(result.checks)).toEqual(["api key", "models listed", "model fast", "model deep", "model reviewer"]);
    const key = check(result.checks, "api key");
    // LiteLLM without a database: a key other than the master key is 400 "No connected db.".
    expect(key.detail).toContain("answered 400");
    expect(key.detail).toContain("No connected db.");
    expect(key.fix).toContain("LITELLM_API_KEY");
    expect(key.fix).toContain("compose.yaml");
    expectFixes(result.checks);
    const out = formatDoctor(result);
    expect(out).not.toContain(wrong);
    expect(out).not.toContain("9876"); // LiteLLM's 401 body quotes the key's tail
    expect(out).not.toContain(KEY);
  });

  test("a model missing from /v1/models fails naming it and pointing at litellm/config.yaml", async () => {
    await using server = await doctorServer({ models: ["fast-coder", "deep-coder"] });
    const result = await runDoctor(await options(server));
    // reviewer is missing: its one-token call fails too, with the same fix.
    expect(failing(result.checks)).toEqual(["models listed", "model reviewer"]);
    expect(check(result.checks, "model reviewer").fix).toContain("litellm/config.yaml");
    const models = check(result.checks, "models listed");
    expect(models.detail).toContain("missing reviewer");
    for (const part of ["reviewer", "litellm/config.yaml", "model_list"]) expect(models.fix).toContain(part);
    expectFixes(result.checks);
  });

  test("Ollama directly (no /health/liveliness, /v1/models works): passes with a note", async () => {
    await using server = await doctorServer({ models: [...MODELS, "qwen2.5-coder:7b"] });
    const ollamaLike = ((input: string | URL | Request, init?: RequestInit) =>
      String(input).endsWith("/health/liveliness")
        ? Promise.resolve(new Response("404 page not found", { status: 404 }))
        : fetch(input, init)) as typeof fetch;
    const result = await runDoctor(await options(server, { fetch: ollamaLike }));
    expect(result.ok).toBe(true);
    const reach = check(result.checks, "litellm reachable");
    expect(reach.detail).toContain("Ollama");
    expect(reach.detail).toContain("num_ctx");
  });

  test("an invalid LITELLM_URL fails without throwing", async () => {
    const result = await runDoctor(await options({ url: "localhost:4000/v1" }));
    expect(failing(result.checks)).toEqual(["litellm reachable", "api key", "models listed", "model fast", "model deep", "model reviewer"]);
    expect(check(result.checks, "litellm reachable").fix).toContain("LITELLM_URL=http://localhost:4000/v1");
    expectFixes(result.checks);
  });
});
