// Resolving the paths a model writes in a diff header or a file label to owned files. Only
// filesOwned is ever a candidate: an exact match after stripping a/ b/ (or another single
// leading directory such as `orig/` or the workspace's own name), else a unique match on
// trailing path segments. Anything with `..`, or absolute and matching nothing, is outside.
// A path that means one of the task's read-only files (filesRead) is named as such, so the
// refusal can tell the model why, instead of "not one of your files".

export type ResolvedPath =
  | { kind: "owned"; path: string }
  | { kind: "devnull" }
  | { kind: "outside"; raw: string }
  | { kind: "read_only"; raw: string; path: string }
  | { kind: "not_owned"; raw: string; candidates: string[] };

function cleanRawPath(raw: string): string {
  let p = unquoteGitPath(raw.trim());
  // quotes / backticks / bold around a path
  for (;;) {
    const m = /^(["'`]|\*\*)(.*)\1$/.exec(p);
    if (!m) break;
    p = m[2]!.trim();
  }
  return p.replaceAll("\\", "/");
}

const GIT_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/**
 * git writes a path with bytes outside printable ASCII as a C string (core.quotePath):
 * `"a/src/\303\274.ts"` is a/src/ü.ts, its UTF-8 bytes in octal. Anything else is left as it is.
 */
export function unquoteGitPath(p: string): string {
  const m = /^"((?:[^"\\]|\\(?:[0-7]{3}|[abtnvfr"\\]))*)"$/.exec(p);
  if (!m || !m[1]!.includes("\\")) return p;
  const bytes: number[] = [];
  const body = m[1]!;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\") {
      bytes.push(...Buffer.from(body[i]!, "utf8"));
    } else if (/[0-7]/.test(body[i + 1]!)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(GIT_ESCAPES[body[i + 1]!]!);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function segments(p: string): string[] {
  return p.split("/").filter((s) => s !== "" && s !== ".");
}

function isDevNull(raw: string): boolean {
  const p = cleanRawPath(raw);
  return p === "/dev/null" || p === "dev/null" || /^[ab]\/dev\/null$/.test(p) || p === "NUL";
}

export function resolvePath(raw: string, filesOwned: readonly string[], filesRead: readonly string[] = []): ResolvedPath {
  if (filesRead.length === 0) return resolveAmong(raw, filesOwned);
  // Matched against both lists at once, so an exact read-only path beats a loose owned match
  // and a basename both lists share is ambiguous rather than silently owned.
  const r = resolveAmong(raw, [...filesOwned, ...filesRead]);
  if (r.kind === "owned" && !filesOwned.includes(r.path)) return { kind: "read_only", raw, path: r.path };
  return r;
}

function resolveAmong(raw: string, filesOwned: readonly string[]): ResolvedPath {
  const p = cleanRawPath(raw);
  if (isDevNull(p)) return { kind: "devnull" };
  const segs = segments(p);
  if (segs.includes("..") || p.includes("\0")) return { kind: "outside", raw };
  const isAbs = (x: string) => x.startsWith("/") || x.startsWith("~") || /^[a-zA-Z]:\//.test(x);
  // "a//etc/passwd", "b/C:/x": a git prefix in front of an absolute path is still absolute
  const absolute = isAbs(p) || (/^[ab]\//.test(p) && isAbs(p.slice(2)));
  if (segs.length === 0) return { kind: "not_owned", raw, candidates: [] };

  const owned = filesOwned.map((f) => ({ f, segs: segments(f) }));
  const joined = segs.join("/");
  if (!absolute) {
    // a/x, b/x (git), then the path as written
    if ((segs[0] === "a" || segs[0] === "b") && segs.length > 1) {
      const stripped = segs.slice(1).join("/");
      const hit = owned.find((o) => o.segs.join("/") === stripped);
      if (hit) return { kind: "owned", path: hit.f };
    }
    const exact = owned.find((o) => o.segs.join("/") === joined);
    if (exact) return { kind: "owned", path: exact.f };
  }

  // The written path is longer: some prefix before an owned path (orig/src/x.ts, /home/u/proj/src/x.ts).
  // Accepted when the prefix is one directory, or at least two trailing segments agree.
  const longer = owned.filter((o) => {
    if (o.segs.length >= segs.length) return false;
    const tail = segs.slice(segs.length - o.segs.length);
    if (tail.join("/") !== o.segs.join("/")) return false;
    return absolute || segs.length - o.segs.length === 1 || o.segs.length >= 2;
  });
  if (longer.length === 1) return { kind: "owned", path: longer[0]!.f };
  if (longer.length > 1) {
    // prefer the longest owned path (most segments agree)
    const best = Math.max(...longer.map((o) => o.segs.length));
    const top = longer.filter((o) => o.segs.length === best);
    if (top.length === 1) return { kind: "owned", path: top[0]!.f };
    return { kind: "not_owned", raw, candidates: top.map((o) => o.f) };
  }
  if (absolute) return { kind: "outside", raw };

  // The written path is shorter: the model left out leading directories (Button.tsx for src/Button.tsx).
  // Strip a/ b/ first so "a/Button.tsx" can still match.
  const tries = (segs[0] === "a" || segs[0] === "b") && segs.length > 1 ? [segs.slice(1), segs] : [segs];
  for (const t of tries) {
    const shorter = owned.filter(
      (o) => o.segs.length > t.length && o.segs.slice(o.segs.length - t.length).join("/") === t.join("/"),
    );
    if (shorter.length === 1) return { kind: "owned", path: shorter[0]!.f };
    if (shorter.length > 1) return { kind: "not_owned", raw, candidates: shorter.map((o) => o.f) };
  }
  return { kind: "not_owned", raw, candidates: [] };
}
