// The scripted OpenAI-compatible server of `run.ts --recorded`: it answers every CLI run of the
// bench with the recorded reply for that mode, task, tier and call.
import { MODEL_FOR_TIER } from "../../orchestrator/src/core/defaults.ts";
import { TIERS, type Tier } from "../../orchestrator/src/core/types.ts";
import { reply, startModelServer } from "../../orchestrator/testing/model-server.ts";
import { MODES, type Mode } from "./modes.ts";
import { kindAt, recordingFor, renderReply } from "./recorded.ts";
import type { ContextSetting } from "./recordings.ts";
import type { BenchTask } from "./suite.ts";

/**
 * Simulated model latency per tier, before the reply is sent: the 14B deep model is about three
 * times slower than the 7B fast and reviewer models. Small enough to keep the test quick, large
 * enough to stand out above the HTTP and CLI overhead in "model s".
 */
export const TIER_DELAY_MS: Record<Tier, number> = { fast: 100, deep: 300, reviewer: 100 };

export interface RecordedServer {
  url: string;
  /** The API key a mode's CLI runs use: the server tells the modes (and context settings) apart by it. */
  apiKey(mode: Mode, context: ContextSetting): string;
  /** Requests no recording matched (a harness bug; the run fails when there are any). */
  unmatched: string[];
  stop(): Promise<void>;
}

const TIER_FOR_MODEL = new Map<string, Tier>(TIERS.map((t) => [MODEL_FOR_TIER[t], t]));

/**
 * Starts the scripted server with the recordings of `tasks`. Each request is matched to its
 * task by the description in the prompt, to its mode by the API key, and to its tier by the
 * model name; the answer is the kind at that (mode, task, tier)'s call count. A context task
 * gets its with-context reply only when the prompt really shows what the model needs.
 */
export async function startRecordedServer(tasks: readonly BenchTask[]): Promise<RecordedServer> {
  const server = await startModelServer();
  const calls = new Map<string, number>();
  const unmatched: string[] = [];
  // Longest description first, so a description that contains another still finds its own task.
  const byDescription = [...tasks].sort((a, b) => b.description.length - a.description.length);
  server.onRequest((req) => {
    const [, mode, context] = (/^Bearer recorded-(\w+)-(on|off)$/.exec(req.headers.authorization ?? "") ?? []) as [string?, Mode?, ContextSetting?];
    const tier = TIER_FOR_MODEL.get(req.model);
    const prompt = req.messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
    const task = byDescription.find((t) => prompt.includes(`## Task\n${t.description}`));
    if (!mode || !(MODES as readonly string[]).includes(mode) || !tier || !task) {
      const why = `mode=${mode ?? "?"} model=${req.model} task=${task?.id ?? "not found in the prompt"}`;
      unmatched.push(why);
      return reply.error(400, `no recorded reply (${why})`);
    }
    const key = `${mode}|${context}|${task.id}|${tier}`;
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    const rec = recordingFor(task);
    const shown = !rec.withoutContext || prompt.includes(rec.withoutContext.needs);
    return reply.text(renderReply(task, kindAt(rec, tier, n, shown))).delay(TIER_DELAY_MS[tier]);
  });
  return {
    url: server.url,
    apiKey: (mode, context) => `recorded-${mode}-${context}`,
    unmatched,
    stop: () => server.stop(),
  };
}
