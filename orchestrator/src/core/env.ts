// The environment smol-coder reads, as one zod schema with its defaults, checked once at start-up.
import { z } from "zod";
import { ENV_DEFAULTS } from "./defaults.ts";
import { InputError } from "./errors.ts";
import { issueLines } from "./zod-issues.ts";

// Only for a value that is no number at all (zod's own words there are "received NaN"); a number
// out of range keeps zod's message, which gives the bound.
const WHOLE = { error: (issue: { code: string }) => (issue.code === "invalid_type" ? "expected a whole number" : undefined) };
const positiveInt = z.coerce.number(WHOLE).int({ error: "expected a whole number" }).positive();

export const EnvSchema = z.object({
  LITELLM_URL: z.string().url().default(ENV_DEFAULTS.LITELLM_URL),
  LITELLM_API_KEY: z.string().min(1).default(ENV_DEFAULTS.LITELLM_API_KEY),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default(ENV_DEFAULTS.LOG_LEVEL),
  NODE_ENV: z.string().optional(),
  VERIFY_TIMEOUT_MS: positiveInt.default(ENV_DEFAULTS.VERIFY_TIMEOUT_MS),
  MODEL_TIMEOUT_MS: positiveInt.default(ENV_DEFAULTS.MODEL_TIMEOUT_MS),
  /** Longest silence allowed inside a streamed reply; shorter than MODEL_TIMEOUT_MS. */
  MODEL_STALL_TIMEOUT_MS: positiveInt.default(ENV_DEFAULTS.MODEL_STALL_TIMEOUT_MS),
  MODEL_MAX_RETRIES: z.coerce.number(WHOLE).int({ error: "expected a whole number" }).min(0).max(10).default(ENV_DEFAULTS.MODEL_MAX_RETRIES),
  SMOL_LOG_DIR: z.string().optional(),
  SMOL_STATE_DIR: z.string().optional(),
  /** How long a call for a cold tier waits for another tier's busy model; 0 turns it off. */
  SMOL_WARM_DEFER_MS: z.coerce.number(WHOLE).int({ error: "expected a whole number" }).min(0).default(ENV_DEFAULTS.SMOL_WARM_DEFER_MS),
  GITHUB_STEP_SUMMARY: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(env: Record<string, string | undefined>): Env {
  // Empty strings count as unset, the way shells and compose files tend to pass them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    // Each bad variable with the value it has, so the user sees what to change.
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "");
      return name in cleaned ? `${name}=${JSON.stringify(cleaned[name])}: ${issue.message}` : issueLines(result.error, "dotted")[0]!;
    });
    throw new InputError(`bad environment: ${[...new Set(lines)].join("; ")}`);
  }
  return result.data;
}
