// Doctor's checks past the proxy: one one-token call per tier (which finds Ollama down and models
// not pulled), Ollama's own model list when it answers, and the resolved configuration.
import { afterEach, describe, expect, test } from "bun:test";
import { runDoctor } from "../../../src/cli/doctor/index.ts";
import { reply } from "../../../testing/model-server.ts";
import { startOllamaStandIn } from "../../../testing/ollama/standin.ts";
import { check, doctorServer, expectFixes, failing, KEY, options, removeTempDirs, workspace } from "../../../testing/doctor-fixture.ts";

afterEach(removeTempDirs);

describe("one one-token call per tier, through the proxy", () => {
  test("each tier is called once, with max_tokens 1, and passes", async () => {
    await using server = await doctorServer();
    const result = await runDoctor(await options(server));
    expect(failing(result.checks)).toEqual([]);
    expect(server.requests.map((r) => [r.model, r.body.max_tokens])).toEqual([
      ["fast-coder", 1],
      ["deep-coder", 1],
      ["reviewer", 1],
    ]);
    expect(check(result.checks, "model deep").detail).toMatch(/^deep-coder answered in \d+ ms$/);
  });

  test("Ollama down behind the proxy: every tier fails with the fix, the Linux one included", async () => {
    await using server = await doctorServer();
    server.onRequest(() => reply.ollamaDown());
    const result = await runDoctor(await options(server));
    expect(failing(result.checks)).toEqual(["model fast", "model deep", "model reviewer"]);
    const fast = check(result.checks, "model fast");
    expect(fast.detail).toContain("is up but cannot reach Ollama at its OLLAMA_API_BASE: litellm.APIConnectionError: Ollama_chatException - All connection attempts failed");
    expect(fast.fix).toContain("ollama serve");
    expect(fast.fix).toContain("OLLAMA_HOST=0.0.0.0:11434");
    expectFixes(result.checks);
  });

  test("a model Ollama lacks: that tier fails with `ollama pull` and the Ollama name", async () => {
    await using server = await doctorServer();
    server.enqueue("deep-coder", reply.modelNotPulled());
    const result = await runDoctor(await options(server));
    expect(failing(result.checks)).toEqual(["model deep"]);
    expect(check(result.checks, "model deep").fix).toBe("Pull it once on the machine that runs Ollama: `ollama pull qwen2.5-coder:14b-instruct`.");
  });

  test("the tier models are the resolved ones (SMOL_MODEL_*, tiers.*.model)", async () => {
    await using server = await doctorServer({ models: ["fast-coder", "deep-coder", "big-reviewer"] });
    const result = await runDoctor(await options(server, { tierModels: { fast: "fast-coder", deep: "deep-coder", reviewer: "big-reviewer" } }));
    expect(failing(result.checks)).toEqual([]);
    expect(server.requests.map((r) => r.model)).toContain("big-reviewer");
  });
});

describe("Ollama's own list, when it answers here", () => {
  test("lists the tier models it lacks, by their Ollama names, with ollama pull", async () => {
    await using server = await doctorServer();
    await using ollama = await startOllamaStandIn({ models: ["qwen2.5-coder:7b-instruct"] });
    const result = await runDoctor(await options(server, { ollamaUrl: ollama.url }));
    expect(failing(result.checks)).toEqual(["ollama models"]);
    const c = check(result.checks, "ollama models");
    expect(c.detail).toStartWith(`${ollama.url} lacks qwen2.5-coder:14b-instruct, qwen2.5:7b-instruct (has: qwen2.5-coder:7b-instruct)`);
    expect(c.fix).toBe("Pull them on that machine: `ollama pull qwen2.5-coder:14b-instruct` && `ollama pull qwen2.5:7b-instruct`.");
  });

  test("through a proxy that cannot say what its names stand for, they are not taken for Ollama names", async () => {
    await using ollama = await startOllamaStandIn({ models: ["qwen2.5-coder:7b-instruct"] });
    // The proxy is down, then it refuses the key: /v1/model/info does not answer.
    for (const litellmUrl of ["http://127.0.0.1:9/v1", null]) {
      await using server = await doctorServer({ apiKey: KEY });
      const o = await options(server, { ollamaUrl: ollama.url, ...(litellmUrl ? { litellmUrl } : { apiKey: "wrong" }) });
      const c = check((await runDoctor(o)).checks, "ollama models");
      expect(c).toMatchObject({ ok: true, detail: "not checked: the proxy did not say which Ollama models fast-coder, deep-coder, reviewer stand for (see the checks above)" });
    }
    // A name the proxy does not serve: the models check fails for it; no `ollama pull nope`.
    await using server = await doctorServer();
    const result = await runDoctor(await options(server, { ollamaUrl: ollama.url, tierModels: { fast: "nope", deep: "deep-coder", reviewer: "reviewer" } }));
    const c = check(result.checks, "ollama models");
    expect(c.detail).toBe(`${ollama.url} lacks qwen2.5-coder:14b-instruct, qwen2.5:7b-instruct (has: qwen2.5-coder:7b-instruct); not checked: nope, which the proxy does not serve as an Ollama model`);
    expect(c.fix).not.toContain("nope");
  });

  test("with LITELLM_URL at Ollama itself, the tier models are Ollama names", async () => {
    await using ollama = await startOllamaStandIn({ models: ["qwen2.5-coder:7b-instruct"] });
    const tierModels = { fast: "qwen2.5-coder:7b-instruct", deep: "qwen2.5-coder:14b-instruct", reviewer: "qwen2.5-coder:7b-instruct" };
    const result = await runDoctor(await options({ url: `${ollama.url}/v1` }, { ollamaUrl: ollama.url, tierModels }));
    const c = check(result.checks, "ollama models");
    expect(c).toMatchObject({ ok: false, fix: "Pull them on that machine: `ollama pull qwen2.5-coder:14b-instruct`." });
  });

  test("all pulled passes; no Ollama here is no failure", async () => {
    await using server = await doctorServer();
    await using ollama = await startOllamaStandIn();
    expect(check((await runDoctor(await options(server, { ollamaUrl: ollama.url }))).checks, "ollama models")).toMatchObject({ ok: true });
    const none = check((await runDoctor(await options(server))).checks, "ollama models");
    expect(none).toMatchObject({ ok: true });
    expect(none.detail).toStartWith("not checked: no Ollama answers at http://127.0.0.1:9");
  });
});

describe("the resolved configuration", () => {
  test("a config file a run would refuse is a FAIL naming the file and the value", async () => {
    await using server = await doctorServer();
    const error = "invalid config:\n/ws/smol-coder.config.json: tiers.fast.concurrency: Too big: expected number to be <=64";
    const result = await runDoctor(await options(server, { config: { error } }));
    expect(failing(result.checks)).toEqual(["config"]);
    expect(check(result.checks, "config").detail).toBe("invalid config:; /ws/smol-coder.config.json: tiers.fast.concurrency: Too big: expected number to be <=64");
    expectFixes(result.checks);
  });

  test("the workspace must define the config's verify.scripts, not the defaults", async () => {
    await using server = await doctorServer();
    const ws = await workspace({ typecheck: "tsc", test: "vitest" });
    const ok = await runDoctor(await options(server, { workspace: ws, verifyScripts: ["typecheck", "test"] }));
    expect(check(ok.checks, "workspace")).toMatchObject({ ok: true });
    const missing = await runDoctor(await options(server, { workspace: ws, verifyScripts: ["typecheck", "e2e"] }));
    expect(check(missing.checks, "workspace").detail).toContain("lacks script e2e");
  });
});
