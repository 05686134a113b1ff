// What doctor is asked, what one check reports, and the failures every check shares:
// skipped and crashed.
import type { ModelClient } from "../../executor/model-client.ts";
import type { Tier } from "../../core/types.ts";
import type { Redact } from "./probe.ts";

export interface DoctorOptions {
  litellmUrl: string;
  apiKey: string;
  /** Each tier's model name, as resolved (SMOL_MODEL_*, tiers.*.model, defaults): expected in /v1/models and called once each. */
  tierModels: Record<Tier, string>;
  /** The config file in use (null: defaults), or why it cannot be used. */
  config: { source: string | null } | { error: string };
  /** verify.scripts of the resolved config: what the workspace must define. */
  verifyScripts: readonly string[];
  /** Where Ollama itself may answer: OLLAMA_API_BASE, else http://localhost:11434. */
  ollamaUrl: string;
  workspace?: string;
  /** Must be writable: created if missing, then a probe file is written and deleted. */
  stateDir: string;
  logDir: string;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Default Bun.which. */
  which?: (cmd: string) => string | null;
  /** Per HTTP probe; default 5000. */
  timeoutMs?: number;
  /** For the one-token call per tier; default a real model client without retries. */
  client?: ModelClient;
  /** Bound on each one-token call (a cold model loads first); default 300000. */
  callTimeoutMs?: number;
}

/** What each check is given: the options with their defaults filled in, and the key redactor. */
export type DoctorContext = DoctorOptions &
  Required<Pick<DoctorOptions, "fetch" | "which" | "timeoutMs" | "client" | "callTimeoutMs">> & { redact: Redact };

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** Required when !ok: one concrete sentence or command. */
  fix?: string;
}

export const CHECK_NAMES = {
  config: "config",
  reachable: "litellm reachable",
  apiKey: "api key",
  models: "models listed",
  fast: "model fast",
  deep: "model deep",
  reviewer: "model reviewer",
  ollama: "ollama models",
  patch: "patch",
  git: "git",
  workspace: "workspace",
  stateDir: "state dir",
  logDir: "log dir",
} as const;

/** A check that could not run because an earlier one failed. */
export function skipped(name: string, because: string, blocker: string): DoctorCheck {
  return {
    name,
    ok: false,
    detail: `not checked: ${because}`,
    fix: `Fix "${blocker}" above first, then re-run doctor.`,
  };
}

/** A check whose own code threw: doctor reports it as a failure instead of throwing. */
export function crashed(name: string, message: string): DoctorCheck {
  return { name, ok: false, detail: `doctor crashed: ${message}`, fix: "Report this doctor bug with the line above." };
}

export function errCode(err: unknown): string {
  const c = (err as { code?: unknown })?.code;
  return typeof c === "string" ? c : "";
}

export function errText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e?.message === "string" ? e.message : String(err);
}
