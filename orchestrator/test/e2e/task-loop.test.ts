// Judging against the baseline, on a real TypeScript workspace with real tsc and ESLint.
import { describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../testing/cli.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { CARD_TSX, diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const BROKEN_APP_LINE = "  const label: number = 'count'\n";

async function brokenAppWorkspace() {
  const ws = await createWorkspace({ template: "react-ts", scripts: { build: "true" } });
  const app = (await ws.read("src/App.tsx"))!;
  const broken = app.replace("  const [count, setCount] = useState(0)\n", `  const [count, setCount] = useState(0)\n${BROKEN_APP_LINE}  console.log(label)\n`);
  await ws.write("src/App.tsx", broken);
  return { ws, broken };
}

describe("a workspace that already fails", () => {
  test("a good change elsewhere still passes, and a second run reuses the cached baseline", async () => {
    await using server = await startModelServer();
    const { ws } = await brokenAppWorkspace();
    await using _ws = ws;
    const state = await mkdtemp(path.join(os.tmpdir(), "smol-state-"));
    try {
      const card = reply.text(diffReply(unifiedDiff("src/components/Card.tsx", null, CARD_TSX)));
      server.enqueue("fast-coder", card, card);
      const task = JSON.stringify({ description: "Add a Card", filesOwned: ["src/components/Card.tsx"] });
      const env = { LITELLM_URL: server.url, SMOL_STATE_DIR: state };

      const first = await runCli({ args: ["--workspace", ws.dir, "--dry-run"], stdin: task, env });
      expect(first.exitCode).toBe(0);
      const baseline = first.events.find((e) => e.event === "verification_baseline")!;
      expect(baseline).toMatchObject({ ok: false, cached: false, failedChecks: ["typecheck"] });
      expect((baseline.errors as string[])[0]).toMatch(/^src\/App\.tsx\(\d+,\d+\): error TS2322/);
      expect(first.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 1 });

      const second = await runCli({ args: ["--workspace", ws.dir], stdin: task, env });
      expect(second.exitCode).toBe(0);
      expect(second.events.find((e) => e.event === "verification_baseline")).toMatchObject({ cached: true });
      expect(await ws.read("src/components/Card.tsx")).toBe(CARD_TSX);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  }, 120_000);

  test("--strict counts the old error too", async () => {
    await using server = await startModelServer();
    const { ws } = await brokenAppWorkspace();
    await using _ws = ws;
    await ws.write("smol-coder.config.json", JSON.stringify({ escalation: { attemptsPerTier: 1, maxTotalAttempts: 1 } }));
    server.enqueue("fast-coder", reply.text(diffReply(unifiedDiff("src/components/Card.tsx", null, CARD_TSX))));
    const r = await runCli({
      args: ["--workspace", ws.dir, "--strict"],
      stdin: JSON.stringify({ description: "Add a Card", filesOwned: ["src/components/Card.tsx"] }),
      env: { LITELLM_URL: server.url },
    });
    expect(r.exitCode).toBe(1);
    expect((r.events.find((e) => e.event === "verification_fail")!.errors as string[]).join("\n")).toContain("src/App.tsx");
  }, 60_000);

  test("a 'fix this error' task is judged by the error going away", async () => {
    await using server = await startModelServer();
    const { ws, broken } = await brokenAppWorkspace();
    await using _ws = ws;
    // First reply changes the file but leaves the error; second removes it.
    const cosmetic = broken.replace("<h1>smol fixture</h1>", "<h1>smol fixture!</h1>");
    const fixed = broken.replace(BROKEN_APP_LINE, "  const label: string = 'count'\n");
    server.enqueue(
      "fast-coder",
      reply.text(diffReply(unifiedDiff("src/App.tsx", broken, cosmetic))),
      reply.text(diffReply(unifiedDiff("src/App.tsx", broken, fixed))),
    );
    const r = await runCli({
      args: ["--workspace", ws.dir],
      stdin: JSON.stringify({ description: "Fix the type error in src/App.tsx", filesOwned: ["src/App.tsx"] }),
      env: { LITELLM_URL: server.url },
    });
    expect(r.exitCode).toBe(0);
    const fail = r.events.find((e) => e.event === "verification_fail")!;
    expect((fail.errors as string[])[0]).toMatch(/^src\/App\.tsx\(\d+,\d+\): error TS2322/);
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 2 });
    // The retry prompt showed the attempted code around the error.
    expect(server.requests[1]!.messages.at(-1)!.content).toMatch(/ > +\d+ \|   const label: number = 'count'/);
    expect(await ws.read("src/App.tsx")).toBe(fixed);
  }, 120_000);
});
