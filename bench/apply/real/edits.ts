// The real edits of the corpus: a TypeScript source file as one published version of a package
// ships it, and as the next published version ships it. Its authors made that change; nobody
// here chose it. Only modified files (not added or deleted ones) whose change fits the default
// diff limit (maxPatchLines) are kept: a bigger change is refused by design before it is located.
import { DEFAULT_LIMITS } from "../../../orchestrator/src/core/defaults.ts";
import { structuredPatch } from "../../../orchestrator/testing/diff.ts";
import { loadPins, readPinned, type PinnedVersion } from "./pins.ts";
import { readTarball } from "./tarball.ts";

export interface RealEdit {
  /** package@from..to:path, stable across runs and across subsets of the pins. */
  id: string;
  pkg: string;
  from: string;
  to: string;
  /** Workspace-relative path in the cases: the package name without "@", then its path in the tarball. */
  path: string;
  before: string;
  after: string;
  /** Added + removed lines of the clean 3-context diff. */
  changed: number;
}

export interface VersionPair {
  name: string;
  from: string;
  to: string;
}

const isSource = (p: string) => /\.(ts|tsx|mts|cts)$/.test(p) && !/\.d\.[mc]?ts$/.test(p);

function changedLines(before: string, after: string): number {
  const p = structuredPatch("a", "b", before, after, undefined, undefined, { context: 3 });
  return p.hunks.reduce((n, h) => n + h.lines.filter((l) => l[0] === "+" || l[0] === "-").length, 0);
}

/** Every consecutive pair of pinned versions (stable versions, in semver order), optionally only some. */
export function versionPairs(only?: readonly VersionPair[]): Array<{ name: string; from: PinnedVersion; to: PinnedVersion }> {
  const pairs = loadPins().packages.flatMap((p) => p.versions.slice(1).map((to, i) => ({ name: p.name, from: p.versions[i]!, to })));
  if (only === undefined) return pairs;
  const picked = pairs.filter((p) => only.some((o) => o.name === p.name && o.from === p.from.version && o.to === p.to.version));
  if (picked.length !== only.length) throw new Error(`some version pairs are not consecutive pinned versions: ${JSON.stringify(only)}`);
  return picked;
}

/** The real edits of the given version pairs (all pinned pairs by default), sorted by id. */
export function loadEdits(only?: readonly VersionPair[]): RealEdit[] {
  const sources = new Map<string, Map<string, string>>();
  const read = (name: string, v: PinnedVersion) => {
    const key = `${name}@${v.version}`;
    let files = sources.get(key);
    if (!files) sources.set(key, (files = readTarball(readPinned(name, v), isSource)));
    return files;
  };
  const edits: RealEdit[] = [];
  for (const { name, from, to } of versionPairs(only)) {
    const a = read(name, from);
    const b = read(name, to);
    for (const [file, before] of a) {
      const after = b.get(file);
      if (after === undefined || after === before) continue;
      const changed = changedLines(before, after);
      if (changed > DEFAULT_LIMITS.maxPatchLines) continue;
      const path = `${name.replace(/^@/, "")}/${file}`;
      edits.push({ id: `${name}@${from.version}..${to.version}:${file}`, pkg: name, from: from.version, to: to.version, path, before, after, changed });
    }
  }
  return edits.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

if (import.meta.main) {
  const edits = loadEdits();
  const big = edits.filter((e) => e.before.length >= 30_000);
  console.log(`${edits.length} edits; ${big.length} on files of 30,000+ characters; largest ${Math.max(...edits.map((e) => e.before.length))}`);
  const crlf = edits.filter((e) => e.before.includes("\r")).length;
  const noEol = edits.filter((e) => !e.before.endsWith("\n")).length;
  console.log(`crlf ${crlf}, no final newline ${noEol}`);
  const byPkg = new Map<string, number>();
  for (const e of edits) byPkg.set(e.pkg, (byPkg.get(e.pkg) ?? 0) + 1);
  console.log([...byPkg].map(([k, v]) => `${k} ${v}`).join(", "));
  for (const e of edits.filter((x) => x.before.length > 85_000 && x.before.length < 100_000)) console.log(e.id, e.before.length, e.changed);
}
