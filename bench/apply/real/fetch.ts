// Downloads the pinned tarballs of the real-edit corpus into cache/ (git-ignored) and checks each
// against its pinned sha512 integrity; a tarball already cached and intact is not fetched again.
//
//   cd orchestrator && bun ../bench/apply/real/fetch.ts [--ci]
//
//   --ci   only the tarballs of the CI slice (CI_PAIRS in corpus.ts), for .ci/run
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { pool } from "../../lib/pool.ts";
import { CI_PAIRS } from "./corpus.ts";
import { CACHE_DIR, integrityOf, loadPins, tarballPath, type PinnedVersion } from "./pins.ts";

const ATTEMPTS = 3;

function intact(path: string, v: PinnedVersion): boolean {
  return existsSync(path) && integrityOf(new Uint8Array(readFileSync(path))) === v.integrity;
}

async function fetchOne(name: string, v: PinnedVersion): Promise<"cached" | "fetched"> {
  const path = tarballPath(name, v.version);
  if (intact(path, v)) return "cached";
  let last = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await fetch(v.tarball);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const got = integrityOf(bytes);
      if (got !== v.integrity) throw new Error(`integrity ${got} is not the pinned ${v.integrity}`);
      // Written under a temporary name first, so an interrupted run leaves no half file behind.
      writeFileSync(`${path}.part`, bytes);
      renameSync(`${path}.part`, path);
      return "fetched";
    } catch (e) {
      last = (e as Error).message;
      rmSync(`${path}.part`, { force: true });
    }
  }
  throw new Error(`${name}@${v.version} from ${v.tarball}: ${last} (after ${ATTEMPTS} attempts)`);
}

/** The pinned versions to fetch: all, or only those the CI slice's version pairs use. */
function wanted(ciOnly: boolean): Array<[string, PinnedVersion]> {
  const all = loadPins().packages.flatMap((p) => p.versions.map((v) => [p.name, v] as [string, PinnedVersion]));
  if (!ciOnly) return all;
  const need = new Set(CI_PAIRS.flatMap((p) => [`${p.name}@${p.from}`, `${p.name}@${p.to}`]));
  const picked = all.filter(([name, v]) => need.has(`${name}@${v.version}`));
  if (picked.length !== need.size) throw new Error(`CI_PAIRS names versions that pins.json does not pin: ${[...need].join(", ")}`);
  return picked;
}

async function main(): Promise<void> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const list = wanted(process.argv.includes("--ci"));
  const started = performance.now();
  const outcomes = await pool(list, 4, ([name, v]) => fetchOne(name, v));
  const fetched = outcomes.filter((o) => o === "fetched").length;
  console.log(`${list.length} tarballs in ${CACHE_DIR}: ${fetched} fetched, ${list.length - fetched} already cached; ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

if (import.meta.main) await main();
