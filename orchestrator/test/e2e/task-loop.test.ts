// Judging against the baseline, on a real TypeScript workspace with real tsc and ESLint. The
// other baseline cases (--strict, a 'fix this error' task) run in-process in test/task/run-task.test.ts.
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
});
