// litellm/run.sh on a machine that cannot install the proxy: it says why and fails, and the proxy
// tests then fail with what to run, never skip.
import { describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { assertProxyInstalled, RUN_SCRIPT } from "../../testing/proxy/litellm.ts";

async function runScript(env: Record<string, string>) {
  const proc = Bun.spawn(["bash", RUN_SCRIPT, "--install-only"], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}

describe("litellm/run.sh where the proxy cannot be installed", () => {
  test("no Python: exit 1, naming what to install (or Docker instead)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "smol-venv-"));
    try {
      const r = await runScript({ PYTHON: "no-such-python3", LITELLM_VENV: path.join(dir, "venv") });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("litellm/run.sh: no no-such-python3 on PATH");
      expect(r.stderr).toContain("docker compose up -d");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("no network for pip: exit 1, saying pip could not reach PyPI; nothing counts as installed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "smol-venv-"));
    const venv = path.join(dir, "venv");
    try {
      // Nothing listens on port 9: pip fails as it does offline.
      const r = await runScript({ LITELLM_VENV: venv, PIP_INDEX_URL: "http://127.0.0.1:9/simple", PIP_RETRIES: "0", PIP_TIMEOUT: "2", PIP_NO_CACHE_DIR: "1", PIP_FIND_LINKS: "" });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("pip could not install");
      expect(r.stderr).toContain("(no network?)");
      expect(() => assertProxyInstalled(venv)).toThrow(/not installed[\s\S]*litellm\/run\.sh --install-only[\s\S]*python3 3\.9-3\.13 and network access to PyPI/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
