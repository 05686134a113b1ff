// The TypeScript compiler's own parser and module resolver, loaded on first use. The package is
// large (about 170 ms and 80 MB to load on the bench machine), so a run whose workspace has no
// TypeScript to read never pays for it, and the CLI's start-up does not either.
import type * as TS from "typescript";

export type TypeScript = typeof TS;
export type LoadTypeScript = () => Promise<TypeScript>;

export const loadTypeScript: LoadTypeScript = async () => {
  const mod = (await import("typescript")) as TypeScript & { default?: TypeScript };
  return mod.default ?? mod;
};

/**
 * A host for the compiler's config reader and module resolver that remembers every path it read
 * or probed, so a cache keyed on those paths' state knows when what it computed is stale.
 */
export interface RecordingHost extends TS.ParseConfigHost {
  readonly touched: Set<string>;
}

/**
 * `listFiles`: whether the host may walk folders (only to tell which referenced project holds a
 * file). `touched` may be shared with another host, so one set sees every path.
 */
export function recordingHost(ts: TypeScript, listFiles = false, touched = new Set<string>()): RecordingHost {
  const sys = ts.sys;
  return {
    touched,
    useCaseSensitiveFileNames: sys.useCaseSensitiveFileNames,
    getCurrentDirectory: () => sys.getCurrentDirectory(),
    fileExists(p) {
      touched.add(p);
      return sys.fileExists(p);
    },
    readFile(p) {
      touched.add(p);
      return sys.readFile(p);
    },
    directoryExists: (p) => sys.directoryExists(p),
    getDirectories: (p) => sys.getDirectories(p),
    realpath: sys.realpath ? (p) => sys.realpath!(p) : undefined,
    // Parsing a tsconfig expands its include globs into a file list; for the options alone that
    // walk is wasted (and slow in a big repository), so it is skipped unless asked for.
    readDirectory: (root, extensions, excludes, includes, depth) =>
      listFiles ? sys.readDirectory(root, extensions, excludes, includes, depth) : [],
  };
}
