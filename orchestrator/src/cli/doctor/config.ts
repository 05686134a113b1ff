// The config file a run would use: the one in effect, or, when it cannot be used, why.
import { CHECK_NAMES, type DoctorCheck, type DoctorContext } from "./check.ts";

export function configCheck(ctx: DoctorContext): DoctorCheck {
  const name = CHECK_NAMES.config;
  if ("error" in ctx.config) {
    return {
      name,
      ok: false,
      detail: ctx.config.error.replace(/\s*\n\s*/g, "; "),
      fix: "Fix the value it names (README \"Config file\" lists every field, smol-coder.config.schema.json checks them in an editor), or remove the file to run with the defaults.",
    };
  }
  const models = Object.entries(ctx.tierModels).map(([tier, model]) => `${tier} ${model}`).join(", ");
  return { name, ok: true, detail: `${ctx.config.source ?? "no config file: the defaults"} (models: ${models}; checks: ${ctx.verifyScripts.join(", ") || "none"})` };
}
