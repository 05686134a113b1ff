// Robustness check for planEdit: random line-level damage to the corpus replies (deleted,
// duplicated or truncated lines, wrong prefixes, stray fences and headers, a cut-off reply) must
// never make planEdit throw. Deterministic (seeded).
//
//   cd orchestrator && bun ../bench/apply/fuzz.ts [count]
import { buildCorpus } from "./corpus.ts";
import { Rng } from "./rng.ts";
import { planCase } from "./tools.ts";

const count = Number(process.argv[2] ?? 1500);
const rng = new Rng(7);
const cases = buildCorpus();
let threw = 0;
let accepted = 0;
const reasons = new Map<string, number>();
for (let n = 0; n < count; n++) {
  const c = rng.pick(cases);
  const lines = c.reply.split("\n");
  for (let m = rng.int(1, 4); m > 0; m--) {
    const i = rng.int(0, Math.max(0, lines.length - 1));
    const line = lines[i] ?? "";
    switch (rng.int(0, 6)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2:
        lines[i] = line.replace(/^./, rng.pick(["+", "-", " ", "", "@", "\\"]));
        break;
      case 3:
        lines[i] = line + rng.pick(["  ", "\r", "x", "```"]);
        break;
      case 4:
        lines.splice(i, 0, rng.pick(["```", "```diff", "@@", "--- a/x", "+++ b/y", "diff --git a/x b/x", "\\ No newline at end of file", "// ...", ""]));
        break;
      case 5:
        lines.length = Math.max(1, i);
        break;
      default:
        lines[i] = line.slice(0, rng.int(0, line.length));
    }
  }
  try {
    const p = await planCase(c, lines.join("\n"));
    if (p.ok) accepted++;
    else reasons.set(p.reason, (reasons.get(p.reason) ?? 0) + 1);
  } catch (e) {
    threw++;
    console.error(`${c.id} threw: ${(e as Error).stack}`);
  }
}
console.log(`${count} damaged replies: ${accepted} accepted, ${count - accepted - threw} refused (${[...reasons].map(([r, k]) => `${r} ${k}`).join(", ")}), ${threw} threw`);
if (threw > 0) process.exit(1);
