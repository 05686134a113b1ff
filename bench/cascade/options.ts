// The cascade bench's command line (the usage is the comment block at the top of run.ts).
import { parseArgs } from "node:util";
import type { Tier } from "../../orchestrator/src/core/types.ts";
import { MODES, parseModes, type Mode } from "./modes.ts";
import type { ContextSetting } from "./recordings.ts";

export interface Options {
  endpoint: string;
  apiKey: string;
  models: Partial<Record<Tier, string>>;
  modes: Mode[];
  /** With smol-coder's context (facts, imported declarations), without it, or both. */
  contexts: ContextSetting[];
  tasks?: string;
  parallel: number;
  verifyScripts?: string[];
  recorded: boolean;
  selfCheck: boolean;
  out?: string;
  json?: string;
}

function parseContexts(text: string): ContextSetting[] {
  if (text === "both") return ["on", "off"];
  if (text === "on" || text === "off") return [text];
  throw new Error(`--context takes on, off or both, not ${text}`);
}

/** The options of a run, or null for --help. */
export function parseOptions(argv: string[], env: Record<string, string | undefined> = process.env): Options | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoint: { type: "string" },
      "api-key": { type: "string" },
      "model-fast": { type: "string" },
      "model-deep": { type: "string" },
      "model-reviewer": { type: "string" },
      modes: { type: "string" },
      context: { type: "string" },
      tasks: { type: "string" },
      parallel: { type: "string" },
      "verify-scripts": { type: "string" },
      recorded: { type: "boolean", default: false },
      "self-check": { type: "boolean", default: false },
      out: { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  const parallel = Number(values.parallel ?? 2);
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel takes a whole number >= 1, not ${values.parallel}`);
  const models: Partial<Record<Tier, string>> = {
    fast: values["model-fast"] ?? env.SMOL_MODEL_FAST,
    deep: values["model-deep"] ?? env.SMOL_MODEL_DEEP,
    reviewer: values["model-reviewer"] ?? env.SMOL_MODEL_REVIEWER,
  };
  if (values.recorded && (values["model-fast"] || values["model-deep"] || values["model-reviewer"])) {
    throw new Error("--recorded serves the default model names; drop the --model-* flags");
  }
  return {
    endpoint: values.endpoint ?? (env.LITELLM_URL || "http://localhost:4000/v1"),
    apiKey: values["api-key"] ?? (env.LITELLM_API_KEY || "dev-key"),
    models: values.recorded ? {} : models,
    modes: parseModes(values.modes ?? MODES.join(",")),
    contexts: parseContexts(values.context ?? "on"),
    tasks: values.tasks,
    parallel,
    verifyScripts: values["verify-scripts"]?.split(",").map((s) => s.trim()).filter(Boolean),
    recorded: values.recorded ?? false,
    selfCheck: values["self-check"] ?? false,
    out: values.out,
    json: values.json,
  };
}
