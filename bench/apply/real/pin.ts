// Writes pins.json: every stable version of each package in a range, with the tarball URL and
// the integrity hash npm's registry metadata gives (`dist.integrity`). One `npm view` per
// package. Run once when the corpus's packages change; fetch.ts and the corpus read pins.json.
//
//   cd orchestrator && bun ../bench/apply/real/pin.ts zod@4.4.1..4.6.7 @trpc/server@11.13.4..11.25.2 …
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Pins } from "./pins.ts";

interface Viewed {
  version: string;
  "dist.integrity": string;
  "dist.tarball": string;
}

function view(name: string, lo: string, hi: string): Viewed[] {
  const r = Bun.spawnSync(["npm", "view", `${name}@>=${lo} <=${hi}`, "version", "dist.integrity", "dist.tarball", "--json"]);
  if (r.exitCode !== 0) throw new Error(`npm view ${name} failed: ${r.stderr.toString()}`);
  const out = JSON.parse(r.stdout.toString()) as Viewed | Viewed[];
  return (Array.isArray(out) ? out : [out]).sort((a, b) => Bun.semver.order(a.version, b.version));
}

const specs = process.argv.slice(2);
if (specs.length === 0) throw new Error("usage: pin.ts <name>@<from>..<to> …");
const pins: Pins = { packages: [] };
for (const spec of specs) {
  const m = /^(@?[^@]+)@([^.][^ ]*)\.\.(.+)$/.exec(spec);
  if (!m) throw new Error(`not <name>@<from>..<to>: ${spec}`);
  const [, name, lo, hi] = m as unknown as [string, string, string, string];
  const versions = view(name, lo, hi).map((v) => ({ version: v.version, tarball: v["dist.tarball"], integrity: v["dist.integrity"] }));
  pins.packages.push({ name, versions });
  console.log(`${name}: ${versions.length} versions, ${versions[0]?.version} .. ${versions.at(-1)?.version}`);
}
writeFileSync(join(import.meta.dir, "pins.json"), `${JSON.stringify(pins, null, 1)}\n`);
