// Probes, hostile replies: a reply that does not arrive whole. Half an edit is never applied (a
// two-file edit cut between its files would land one file), and the model is told it was cut off.
import { describe, expect, test } from "bun:test";
import { runCli } from "../../../testing/cli.ts";
import { reply, startModelServer, type ReplyBuilder } from "../../../testing/model-server.ts";
import { expectProbe, probeMarker } from "../../../testing/probes.ts";
import { diffReply, unifiedDiff } from "../../../testing/replies.ts";
import { createWorkspace, PASSING_CHECK } from "../../../testing/workspace.ts";

const A = "export const a = 1\n";
const B = "export const b = 2\n";
const both = diffReply(unifiedDiff("a.ts", A, "export const a = 10\n"), unifiedDiff("b.ts", B, "export const b = 20\n"));
/** The same reply, stopped after the first file's diff. */
const firstFileOnly = both.slice(0, both.indexOf("--- a/b.ts"));
const task = JSON.stringify({ description: "bump a and b", filesOwned: ["a.ts", "b.ts"] });

const PROBES: Array<{ name: string; reply: ReplyBuilder; reason: string; told: string }> = [
  {
    name: "a two-file edit cut off at max_tokens between its files lands neither file",
    reply: reply.text(firstFileOnly).finishReason("length"),
    reason: "cut_off",
    told: "reply cut off: the reply was cut off at max_tokens (4096 tokens)",
  },
  {
    name: "a stream that ends without a finish_reason is not taken as a whole reply",
    reply: reply.text(firstFileOnly).finishReason(null),
    reason: "cut_off",
    told: "the reply stream ended without a finish_reason",
  },
  {
    name: "a stream that breaks off after the first file is not applied",
    reply: reply.text(both).chunkSize(16).breakAfter(Math.floor(firstFileOnly.length / 16)),
    reason: "stream_broken",
    told: "model call failed (stream_broken)",
  },
];

describe("probes: hostile replies", () => {
  for (const probe of PROBES) {
    test(probe.name, async () => {
      const { env, marker } = probeMarker();
      await using server = await startModelServer();
      server.enqueue("fast-coder", probe.reply, reply.text("I cannot do that."));
      await using ws = await createWorkspace({
        template: "empty",
        scripts: PASSING_CHECK,
        files: { "a.ts": A, "b.ts": B, "smol-coder.config.json": JSON.stringify({ escalation: { maxTotalAttempts: 2 } }) },
      });
      const before = await ws.snapshot();
      const r = await runCli({ args: ["--workspace", ws.dir], stdin: task, env: { LITELLM_URL: server.url, ...env } });
      await expectProbe(r, { exitCode: 1, message: /^$/, unchanged: { ws, before }, marker });
      expect(r.events.filter((e) => e.event === "patch_applied")).toHaveLength(0);
      expect(r.events.find((e) => e.event === "model_call_failed")).toMatchObject({ attempt: 1, reason: probe.reason });
      expect(server.requests[1]!.messages.at(-1)!.content).toContain(probe.told);
    }, 60_000);
  }
});
