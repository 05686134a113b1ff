// One one-token call per tier, through the proxy: the only check that reaches Ollama, so the one
// that finds Ollama down, unreachable from the proxy's container, or without a model. The
// proxy's /health would load every model at once; this loads one at a time.
import { TIERS, type Tier } from "../../core/types.ts";
import { causeOf, fixFor } from "../unavailable.ts";
import { CHECK_NAMES, skipped, type DoctorCheck, type DoctorContext } from "./check.ts";

export async function tierCallChecks(ctx: DoctorContext, blocker: DoctorCheck | undefined): Promise<DoctorCheck[]> {
  if (blocker) return TIERS.map((tier) => skipped(CHECK_NAMES[tier], "the proxy check above failed", blocker.name));
  const checks: DoctorCheck[] = [];
  // One after another: on one GPU, three cold models loading at once would only slow each other.
  for (const tier of TIERS) checks.push(await callTier(ctx, tier));
  return checks;
}

async function callTier(ctx: DoctorContext, tier: Tier): Promise<DoctorCheck> {
  const name = CHECK_NAMES[tier];
  const model = ctx.tierModels[tier];
  const result = await ctx.client.complete({ model, messages: [{ role: "user", content: "Reply with OK." }], maxTokens: 1, temperature: 0 });
  if (result.ok) return { name, ok: true, detail: `${model} answered in ${result.durationMs} ms` };
  const fault = { reason: result.reason, message: ctx.redact(result.message), model, ollamaModel: result.ollamaModel };
  return { name, ok: false, detail: ctx.redact(causeOf(fault, ctx.litellmUrl)), fix: fixFor(fault) };
}
