// The three ways the cascade bench runs the suite, as smol-coder config files. Only the
// escalation settings differ between modes; models and verify scripts come from the flags.
import type { ConfigFile } from "../../orchestrator/src/core/config-schema.ts";
import { DEFAULT_LIMITS } from "../../orchestrator/src/core/defaults.ts";
import type { Tier } from "../../orchestrator/src/core/types.ts";

export const MODES = ["fast", "deep", "cascade"] as const;
export type Mode = (typeof MODES)[number];

export interface ModeLimits {
  start: Tier;
  attemptsPerTier: number;
  maxTotalAttempts: number;
}

/**
 * fast:    the fast tier only: 5 attempts per tier and 5 in all, so it never escalates.
 * deep:    the deep tier only: deepStartFiles 0 sends every task (it owns at least one file) to
 *          deep, and 5 attempts there use up the total before the reviewer tier.
 * cascade: smol-coder's defaults: fast, escalating to deep and then the reviewer.
 */
function modeEscalation(mode: Mode): NonNullable<ConfigFile["escalation"]> {
  switch (mode) {
    case "fast":
      return { attemptsPerTier: 5, maxTotalAttempts: 5 };
    case "deep":
      return { attemptsPerTier: 5, maxTotalAttempts: 5, deepStartFiles: 0 };
    case "cascade":
      return {};
  }
}

/** The limits a mode runs under, for the recorded replies' expected outcomes. */
export function modeLimits(mode: Mode): ModeLimits {
  const esc = modeEscalation(mode);
  return {
    start: esc.deepStartFiles === 0 ? "deep" : "fast",
    attemptsPerTier: esc.attemptsPerTier ?? DEFAULT_LIMITS.attemptsPerTier,
    maxTotalAttempts: esc.maxTotalAttempts ?? DEFAULT_LIMITS.maxTotalAttempts,
  };
}

export interface ModeConfigOptions {
  /** Model name per tier; absent tiers keep smol-coder's default (the LiteLLM aliases). */
  models?: Partial<Record<Tier, string>>;
  /** verify.scripts; absent means the workspace default (typecheck, lint, build). */
  verifyScripts?: string[];
  /** "off": the model sees no project facts and no imported declarations. */
  context?: "on" | "off";
}

/** The smol-coder.config.json of one mode. */
export function modeConfig(mode: Mode, opts: ModeConfigOptions = {}): ConfigFile {
  const config: ConfigFile = { escalation: modeEscalation(mode) };
  const tiers: NonNullable<ConfigFile["tiers"]> = {};
  for (const [tier, model] of Object.entries(opts.models ?? {}) as Array<[Tier, string | undefined]>) {
    if (model) tiers[tier] = { model };
  }
  if (Object.keys(tiers).length > 0) config.tiers = tiers;
  if (opts.verifyScripts) config.verify = { scripts: opts.verifyScripts };
  if (opts.context === "off") config.context = { imports: false, facts: false };
  return config;
}

export function parseModes(text: string): Mode[] {
  const modes = text.split(",").map((m) => m.trim()).filter((m) => m !== "");
  for (const m of modes) {
    if (!(MODES as readonly string[]).includes(m)) throw new Error(`unknown mode "${m}" (modes: ${MODES.join(", ")})`);
  }
  if (modes.length === 0) throw new Error("--modes needs at least one mode");
  return [...new Set(modes)] as Mode[];
}
