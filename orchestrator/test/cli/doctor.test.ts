import { afterEach, describe, expect, test } from "bun:test";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { formatDoctor, runDoctor, type DoctorCheck, type DoctorOptions } from "../../src/cli/doctor.ts";
import { MODEL_FOR_TIER } from "../../src/core/types.ts";
import { startModelServer, type ModelServer } from "../../testing/model-server.ts";

const MODELS = Object.values(MODEL_FOR_TIER);
const KEY = "sk-doctor-right-key-0001";
const ALL_NAMES = [
  "litellm reachable",
  "api key",
  "models listed",
  "patch",
  "git",
  "workspace",
  "state dir",
  "log dir",
];

const tmpDirs: string[] = [];
afterEach(async () => {
  for (const dir of tmpDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function tmpDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "smol-doctor-"));
  tmpDirs.push(dir);
  return dir;
}

async function workspace(scripts: Record<string, string> | null): Promise<string> {
  const dir = await tmpDir();
  const pkg = scripts === null ? { name: "ws", private: true } : { name: "ws", private: true, scripts };
  await fs.writeFile(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  return dir;
}

const GOOD_SCRIPTS = { typecheck: "tsc --noEmit", lint: "eslint src", build: "vite build", dev: "vite" };

async function options(server: ModelServer | { url: string }, over: Partial<DoctorOptions> = {}): Promise<DoctorOptions> {
  const root = await tmpDir();
  return {
    litellmUrl: server.url,
    apiKey: KEY,
    models: MODELS,
    workspace: await workspace(GOOD_SCRIPTS),
    stateDir: path.join(root, "state"),
    logDir: path.join(root, "logs", "nested"),
    timeoutMs: 2000,
    ...over,
  };
}

function check(checks: DoctorCheck[], name: string): DoctorCheck {
  const c = checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check named ${name}: ${checks.map((x) => x.name).join(", ")}`);
  return c;
}

/** Every failing check carries a non-empty one-line fix. */
function expectFixes(checks: DoctorCheck[]): void {
  for (const c of checks.filter((x) => !x.ok)) {
    expect(c.fix, `fix for ${c.name}`).toBeString();
    expect(c.fix!.trim().length, `fix for ${c.name}`).toBeGreaterThan(10);
    expect(c.fix!).not.toContain("\n");
  }
}

function failing(checks: DoctorCheck[]): string[] {
  return checks.filter((c) => !c.ok).map((c) => c.name);
}

/** A port nothing listens on: start a server, note its URL, stop it. */
async function closedUrl(): Promise<string> {
  const s = await startModelServer();
  const url = s.url;
  await s.stop();
  return url;
}

describe("runDoctor", () => {
  test("everything passes against a healthy server and a good workspace", async () => {
    await using server = await startModelServer({ apiKey: KEY });
    const opts = await options(server);
    const result = await runDoctor(opts);

    expect(result.checks.map((c) => c.name)).toEqual(ALL_NAMES);
    expect(failing(result.checks)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(check(result.checks, "litellm reachable").detail).toContain(server.origin);
    expect(check(result.checks, "models listed").detail).toContain("reviewer");
    expect(check(result.checks, "workspace").detail).toContain("typecheck yes, lint yes, build yes");

    // The dirs were created, and the probe files are gone again.
    expect(await fs.readdir(opts.stateDir)).toEqual([]);
    expect(await fs.readdir(opts.logDir)).toEqual([]);

    const out = formatDoctor(result);
    const lines = out.split("\n");
    expect(lines).toHaveLength(ALL_NAMES.length + 1);
    expect(lines[0]).toMatch(/^ok {3}litellm reachable {2}http:\/\/127\.0\.0\.1:\d+/);
    expect(lines.at(-1)).toBe("all 8 checks passed");
    expect(out).not.toContain(KEY);
  });

  test("without a workspace the workspace check is left out; a trailing slash on the URL is fine", async () => {
    await using server = await startModelServer();
    const result = await runDoctor(await options({ url: `${server.url}/` }, { workspace: undefined }));
    expect(result.checks.map((c) => c.name)).toEqual(ALL_NAMES.filter((n) => n !== "workspace"));
    expect(result.ok).toBe(true);
  });

  test("server down: reachable fails with how to start it; key and model checks are not run", async () => {
    const url = await closedUrl();
    const result = await runDoctor(await options({ url }));
    expect(result.ok).toBe(false);
    expect(failing(result.checks)).toEqual(["litellm reachable", "api key", "models listed"]);
    const reach = check(result.checks, "litellm reachable");
    expect(reach.detail).toContain("connection refused");
    expect(reach.fix).toContain("docker compose up -d");
    expect(reach.fix).toContain("LITELLM_URL");
    expect(check(result.checks, "api key").detail).toStartWith("not checked");
    expectFixes(result.checks);
    expect(formatDoctor(result)).toContain("FAIL litellm reachable");
  });

  test("unhealthy proxy: reachable fails, the key and models are still checked", async () => {
    await using server = await startModelServer({ health: false });
    const result = await runDoctor(await options(server));
    expect(failing(result.checks)).toEqual(["litellm reachable"]);
    expect(check(result.checks, "litellm reachable").detail).toContain("503");
    expect(check(result.checks, "litellm reachable").fix).toContain("docker compose logs");
    expectFixes(result.checks);
  });

  test("a probe that never answers is cut at timeoutMs", async () => {
    await using server = await startModelServer();
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
    await using server = await startModelServer({ apiKey: KEY });
    const wrong = "sk-doctor-WRONG-key-9876";
    const result = await runDoctor(await options(server, { apiKey: wrong }));
    expect(failing(result.checks)).toEqual(["api key", "models listed"]);
    const key = check(result.checks, "api key");
    expect(key.detail).toContain("401");
    expect(key.fix).toContain("LITELLM_API_KEY");
    expect(key.fix).toContain("compose.yaml");
    expectFixes(result.checks);
    const out = formatDoctor(result);
    expect(out).not.toContain(wrong);
    expect(out).not.toContain("9876"); // LiteLLM's 401 body quotes the key's tail
    expect(out).not.toContain(KEY);
  });

  test("a model missing from /v1/models fails naming it and pointing at litellm/config.yaml", async () => {
    await using server = await startModelServer({ models: ["fast-coder", "deep-coder"] });
    const result = await runDoctor(await options(server));
    expect(failing(result.checks)).toEqual(["models listed"]);
    const models = check(result.checks, "models listed");
    expect(models.detail).toContain("missing reviewer");
    expect(models.fix).toContain("reviewer");
    expect(models.fix).toContain("litellm/config.yaml");
    expect(models.fix).toContain("model_list");
    expectFixes(result.checks);
  });

  test("Ollama directly (no /health/liveliness, /v1/models works): passes with a note", async () => {
    await using server = await startModelServer({ models: [...MODELS, "qwen2.5-coder:7b"] });
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

  test("patch missing: fails with an apt-get fix; git missing likewise", async () => {
    await using server = await startModelServer();
    const noPatch = await runDoctor(
      await options(server, { which: (cmd) => (cmd === "patch" ? null : Bun.which(cmd)) }),
    );
    expect(failing(noPatch.checks)).toEqual(["patch"]);
    expect(check(noPatch.checks, "patch").fix).toBe("apt-get install -y patch");
    expect(check(noPatch.checks, "git").detail).toBe(Bun.which("git")!);

    const noGit = await runDoctor(await options(server, { which: (cmd) => (cmd === "git" ? null : Bun.which(cmd)) }));
    expect(failing(noGit.checks)).toEqual(["git"]);
    expect(check(noGit.checks, "git").fix).toBe("apt-get install -y git");
  });

  test("workspace lacking scripts fails with the scripts block to add", async () => {
    await using server = await startModelServer();
    const ws = await workspace({ typecheck: "tsc --noEmit", dev: "vite" });
    const result = await runDoctor(await options(server, { workspace: ws }));
    expect(failing(result.checks)).toEqual(["workspace"]);
    const c = check(result.checks, "workspace");
    expect(c.detail).toContain("typecheck yes, lint no, build no");
    expect(c.fix).toContain('"scripts": {');
    expect(c.fix).toContain('"lint":');
    expect(c.fix).toContain('"build":');
    expect(c.fix).not.toContain('"typecheck":');
    expectFixes(result.checks);
  });

  test("workspace that is missing, a file, or has no package.json fails", async () => {
    await using server = await startModelServer();
    const root = await tmpDir();
    const file = path.join(root, "file.txt");
    await fs.writeFile(file, "x");
    const noPkg = await tmpDir();
    const badJson = await tmpDir();
    await fs.writeFile(path.join(badJson, "package.json"), "{ nope");
    const noScripts = await workspace(null);

    const cases: Array<[string, string]> = [
      [path.join(root, "missing"), "does not exist"],
      [file, "is not a directory"],
      [noPkg, "has no package.json"],
      [badJson, "not valid JSON"],
      [noScripts, "typecheck no, lint no, build no"],
    ];
    for (const [ws, expected] of cases) {
      const result = await runDoctor(await options(server, { workspace: ws }));
      expect(failing(result.checks)).toEqual(["workspace"]);
      expect(check(result.checks, "workspace").detail).toContain(expected);
      expectFixes(result.checks);
    }
  });

  test("unwritable log dir (a path under a regular file) fails; state dir likewise", async () => {
    await using server = await startModelServer();
    const root = await tmpDir();
    const file = path.join(root, "not-a-dir");
    await fs.writeFile(file, "x");

    const result = await runDoctor(await options(server, { logDir: path.join(file, "logs") }));
    expect(failing(result.checks)).toEqual(["log dir"]);
    const log = check(result.checks, "log dir");
    expect(log.detail).toContain("ENOTDIR");
    expect(log.fix).toContain("SMOL_LOG_DIR");
    expectFixes(result.checks);

    const state = await runDoctor(await options(server, { stateDir: file }));
    expect(failing(state.checks)).toEqual(["state dir"]);
    expectFixes(state.checks);
    expect(await Bun.file(file).text()).toBe("x");
  });

  test("an invalid LITELLM_URL fails without throwing", async () => {
    const result = await runDoctor(await options({ url: "localhost:4000/v1" }));
    expect(failing(result.checks)).toEqual(["litellm reachable", "api key", "models listed"]);
    expect(check(result.checks, "litellm reachable").fix).toContain("LITELLM_URL=http://localhost:4000/v1");
    expectFixes(result.checks);
  });
});

describe("formatDoctor", () => {
  test("aligned ok/FAIL lines with the fix, then a summary", () => {
    const out = formatDoctor({
      ok: false,
      checks: [
        { name: "litellm reachable", ok: true, detail: "http://localhost:4000" },
        { name: "git", ok: false, detail: "git not found on PATH", fix: "apt-get install -y git" },
      ],
    });
    expect(out.split("\n")).toEqual([
      "ok   litellm reachable  http://localhost:4000",
      "FAIL git                git not found on PATH — fix: apt-get install -y git",
      "1 of 2 checks failed: git",
    ]);
  });
});
