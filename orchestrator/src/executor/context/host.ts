// A host for the compiler's config reader and module resolver (executor/context/) that remembers
// every path it read or probed, so a cache keyed on those paths' state knows when what it
// computed is stale.
import type * as TS from "typescript";
import type { TypeScript } from "../../source/typescript.ts";

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
