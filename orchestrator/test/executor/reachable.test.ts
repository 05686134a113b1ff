// The reachability probe through real HTTP: the scripted server up, down, or refusing the key.
import { describe, expect, test } from "bun:test";
import { createModelClient } from "../../src/executor/model-client.ts";
import type { RetryInfo } from "../../src/executor/model-client.ts";
import { startModelServer } from "../../testing/model-server.ts";

const client = (url: string, apiKey = "k", maxRetries = 1) =>
  createModelClient({ baseURL: url, apiKey, timeoutMs: 5_000, maxRetries, random: () => 0, sleep: async () => {} });

describe("reachable", () => {
  test("a server that answers is there, whatever it answers (here: the key refused)", async () => {
    await using server = await startModelServer({ apiKey: "the-real-key" });
    expect(await client(server.url, "wrong").reachable!()).toEqual({ ok: true });
    expect(server.requests).toHaveLength(0); // no chat request was spent on it
  });

  test("a closed port is unreachable after the retries, each one reported first", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    const retries: RetryInfo[] = [];
    const r = await client(url, "k", 2).reachable!({ onRetry: (i) => retries.push(i) });
    expect(r).toMatchObject({ ok: false, reason: "unreachable", status: null });
    expect(!r.ok && r.message).toContain(`cannot connect to ${url}`);
    expect(retries.map((i) => i.retry)).toEqual([1, 2]);
  });

  test("a success is remembered; after a failure the next call asks again", async () => {
    await using server = await startModelServer();
    const c = client(server.url);
    const first = c.reachable!();
    expect(c.reachable!()).toBe(first);
    expect(await first).toEqual({ ok: true });

    const down = await startModelServer();
    const { url, port } = down;
    await down.stop();
    const d = client(url, "k", 0);
    expect((await d.reachable!()).ok).toBe(false);
    await using back = await startModelServer({ port });
    expect(back.url).toBe(url);
    expect(await d.reachable!()).toEqual({ ok: true });
  });

  test("an aborted probe ends as aborted, not as unreachable", async () => {
    const server = await startModelServer();
    const url = server.url;
    await server.stop();
    const controller = new AbortController();
    controller.abort();
    expect(await client(url).reachable!({ signal: controller.signal })).toMatchObject({ ok: false, reason: "aborted" });
  });
});
