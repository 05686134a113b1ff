import { describe, expect, test } from "bun:test";
import { parseEnv } from "../../src/core/env.ts";
import { EXIT, FatalError } from "../../src/core/errors.ts";
import { exitCodeFor } from "../../src/cli/exit.ts";
import type { TaskOutcome, UnavailableReason } from "../../src/task/outcomes.ts";

const env = parseEnv({ LITELLM_URL: "http://proxy.test:4000/v1" });
const summary = {
  attempts: 1,
  attemptsByTier: { fast: 1, deep: 0, reviewer: 0 },
  finalTier: "fast" as const,
  durationMs: 5,
  tokens: { prompt: 0, completion: 0, total: 0 },
  tokensByTier: { fast: { prompt: 0, completion: 0, total: 0 }, deep: { prompt: 0, completion: 0, total: 0 }, reviewer: { prompt: 0, completion: 0, total: 0 } },
};
const complete: TaskOutcome = { status: "complete", files: ["a.ts"], diff: "d", verified: true, commit: null, dryRun: false, ...summary };
const skipped: TaskOutcome = { status: "skipped", commit: { sha: "a".repeat(40), branch: "main" }, earlierRunId: "r0", verified: true, ...summary };
const aborted: TaskOutcome = { status: "aborted", lastErrors: ["e"], reason: "attempts exhausted", diff: null, keptFiles: [], ...summary };
const tooLarge: TaskOutcome = { status: "too_large", message: "the prompt is too big", ...summary };
const unavailable = (reason: UnavailableReason, ollamaModel?: string): TaskOutcome => ({
  status: "unavailable",
  reason,
  message: "m",
  model: "fast-coder",
  ...(ollamaModel ? { ollamaModel } : {}),
  ...summary,
});
const interrupted: TaskOutcome = { status: "interrupted", ...summary };

function thrown(fn: () => unknown): FatalError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FatalError) return err;
    throw err;
  }
  throw new Error("nothing was thrown");
}

describe("exitCodeFor", () => {
  test("all complete is 0; any abort is 1", () => {
    expect(exitCodeFor([complete, complete], env, null)).toBe(EXIT.ok);
    expect(exitCodeFor([complete, aborted], env, null)).toBe(EXIT.aborted);
  });

  test("a task skipped by --resume counts as done: 0 alone, and it hides no abort", () => {
    expect(exitCodeFor([skipped, skipped], env, null)).toBe(EXIT.ok);
    expect(exitCodeFor([skipped, complete], env, null)).toBe(EXIT.ok);
    expect(exitCodeFor([skipped, aborted], env, null)).toBe(EXIT.aborted);
  });

  test("a prompt too large is exit 2 with its message", () => {
    const err = thrown(() => exitCodeFor([aborted, tooLarge], env, null));
    expect(err.exitCode).toBe(EXIT.badInput);
    expect(err.message).toBe("the prompt is too big");
  });

  test("an unavailable server is exit 3, with the fix for each reason", () => {
    const unreachable = thrown(() => exitCodeFor([tooLarge, unavailable("unreachable")], env, null));
    expect(unreachable.exitCode).toBe(EXIT.modelUnavailable);
    expect(unreachable.message).toContain("http://proxy.test:4000/v1");
    expect(unreachable.message).toContain("docker compose up -d");
    expect(thrown(() => exitCodeFor([unavailable("auth")], env, null)).message).toContain("LITELLM_API_KEY");
    expect(thrown(() => exitCodeFor([unavailable("unknown_model")], env, null)).message).toContain('"fast-coder"');
  });

  // Each cause, with the words and the fix a user needs (the proxy's own message is "m" here).
  const causes: Array<[UnavailableReason, string | undefined, string[]]> = [
    ["unreachable", undefined, ["cannot reach the model server at http://proxy.test:4000/v1", "docker compose up -d", "litellm/run.sh"]],
    ["auth", undefined, ["(key refused)", "LITELLM_API_KEY", "master key", "No connected db."]],
    ["unknown_model", undefined, ['does not serve the model "fast-coder"', "litellm/config.yaml"]],
    ["ollama_unreachable", undefined, ["the proxy at http://proxy.test:4000/v1 is up but cannot reach Ollama at its OLLAMA_API_BASE", "ollama serve", "OLLAMA_HOST=0.0.0.0:11434", "network_mode: host"]],
    ["model_not_pulled", "qwen2.5-coder:7b-instruct", ['does not have the model "qwen2.5-coder:7b-instruct"', "`ollama pull qwen2.5-coder:7b-instruct`"]],
    ["protocol", undefined, ["does not speak the OpenAI protocol: m", "ending in /v1"]],
  ];
  for (const [reason, ollamaModel, words] of causes) {
    test(`exit 3 for ${reason} names its cause and fix`, () => {
      const err = thrown(() => exitCodeFor([unavailable(reason, ollamaModel)], env, null));
      expect(err.exitCode).toBe(EXIT.modelUnavailable);
      for (const w of words) expect(err.message).toContain(w);
    });
  }

  test("an interrupted task wins over everything and names the signal", () => {
    const err = thrown(() => exitCodeFor([unavailable("auth"), interrupted, complete], env, "SIGINT"));
    expect(err.exitCode).toBe(130);
    expect(err.message).toBe("interrupted by SIGINT; the files of 1 interrupted task were restored; 1 completed task keeps its changes");
  });

  test("SIGTERM is 143; a signal decides the code even when every task had finished", () => {
    expect(thrown(() => exitCodeFor([interrupted, interrupted], env, "SIGTERM"))).toMatchObject({ exitCode: 143, message: "interrupted by SIGTERM; the files of 2 interrupted tasks were restored" });
    expect(thrown(() => exitCodeFor([complete], env, "SIGTERM"))).toMatchObject({ exitCode: 143, message: "interrupted by SIGTERM; no task was in progress; 1 completed task keeps its changes" });
  });

  test("a workspace that would not take a write is exit 2 with the message naming the file", () => {
    const failed: TaskOutcome = { status: "workspace_error", file: "src/a.ts", message: "cannot write src/a.ts: EPERM", ...summary };
    expect(thrown(() => exitCodeFor([aborted, failed], env, null))).toMatchObject({ exitCode: EXIT.badInput, message: "cannot write src/a.ts: EPERM" });
  });
});
