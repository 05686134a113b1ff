// The local modules the owned files import, one hop, resolved the way tsc resolves them (the
// compiler's own resolver with the workspace's options: relative paths, `paths` aliases, index
// files, .ts/.tsx/.d.ts with or without an extension, `.js` specifiers that name a .ts file under
// bundler or nodenext resolution). A barrel (index.ts with `export ... from`) is followed to the
// modules that hold what was imported. A file the task creates imports nothing yet, so for it
// the modules its description names by path are taken instead.
import path from "node:path";
import type * as TS from "typescript";
import { readExports, type ExportedDeclaration } from "./declarations.ts";
import { createTypeInference, type TypeInference } from "./infer.ts";
import { readTsProject, type TsProject } from "./tsconfig.ts";
import { scriptKindOf, type TypeScript } from "../../source/typescript.ts";
import type { RecordingHost } from "./host.ts";

export interface ShownDeclaration extends ExportedDeclaration {
  /** The workspace file it is declared in (a barrel's declarations live in other files). */
  file: string;
  /** Whether the owned files asked for it by name (kept first when room is short). */
  wanted: boolean;
}

export interface ImportedModule {
  /** The module as imported, relative to the workspace. */
  path: string;
  /** How it is reached: `src/components/UserCard.tsx imports '../types.ts'`. */
  via: string[];
  declarations: ShownDeclaration[];
}

export interface FollowInput {
  root: string;
  /** Owned path -> content, null for a file the task creates. */
  files: ReadonlyMap<string, string | null>;
  description: string;
  /** Paths already shown whole (owned and read-only files): not repeated as declarations. */
  shownWhole: ReadonlySet<string>;
}

/** What an importer asks of a module: these names, or everything ("*"). */
type Wanted = Set<string> | "*";

/** How deep a chain of barrels is followed. */
const MAX_REEXPORT_DEPTH = 4;

const SHOWN_EXTENSIONS = [".ts", ".tsx", ".d.ts", ".mts", ".cts", ".d.mts", ".d.cts"];

export function followImports(ts: TypeScript, input: FollowInput, host: RecordingHost, inference: TypeInference = createTypeInference(ts)): ImportedModule[] {
  const projects = new Map<string, TsProject>();
  const projectOf = (file: string) => projects.get(file) ?? projects.set(file, readTsProject(ts, input.root, file, host)).get(file)!;
  const modules = new Map<string, { via: string[]; wanted: Wanted }>();
  const note = (target: string, via: string, wanted: Wanted) => {
    if (input.shownWhole.has(target)) return;
    const m = modules.get(target) ?? { via: [], wanted: new Set<string>() };
    if (!m.via.includes(via)) m.via.push(via);
    m.wanted = m.wanted === "*" || wanted === "*" ? "*" : new Set([...m.wanted, ...wanted]);
    modules.set(target, m);
  };
  for (const [file, content] of input.files) {
    const options = projectOf(file).options;
    if (content === null) {
      for (const named of namedModules(ts, input, file, options, host)) note(named, `the task description names ${named}`, "*");
      continue;
    }
    const sf = parse(ts, path.join(input.root, file), content, options, host);
    for (const imp of importsOf(ts, sf)) {
      const target = resolveLocal(ts, imp.specifier, sf, imp.node, input.root, options, host);
      if (target && target !== file) note(target, `${file} imports '${imp.specifier}'`, imp.names);
    }
  }
  return [...modules].map(([file, m]) => ({
    path: file,
    via: m.via,
    declarations: declarationsOf({ ts, input, options: projectOf(file).options, host, inference }, file, m.wanted, 0, new Set()),
  }));
}

function parse(ts: TypeScript, abs: string, text: string, options: TS.CompilerOptions, host: RecordingHost): TS.SourceFile {
  // Under node16/nodenext a file's format (ESM or CommonJS) decides how its imports resolve.
  const impliedNodeFormat = ts.getImpliedNodeFormatForFile(abs, undefined, host, options);
  return ts.createSourceFile(abs, text, { languageVersion: ts.ScriptTarget.Latest, impliedNodeFormat }, true, scriptKindOf(ts, abs));
}

interface ImportUse {
  specifier: string;
  node: TS.StringLiteral;
  names: Wanted;
}

/** Static imports and re-exports of the file, with the names each one takes. */
function importsOf(ts: TypeScript, sf: TS.SourceFile): ImportUse[] {
  const out: ImportUse[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.importClause;
      if (!clause) continue; // a side-effect import ('./index.css') brings in no names
      const names = new Set<string>();
      let all = false;
      if (clause.name) names.add("default");
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) all = true;
      else if (bindings) for (const e of bindings.elements) names.add((e.propertyName ?? e.name).text);
      out.push({ specifier: st.moduleSpecifier.text, node: st.moduleSpecifier, names: all ? "*" : names });
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.exportClause;
      const names = clause && ts.isNamedExports(clause) ? new Set(clause.elements.map((e) => (e.propertyName ?? e.name).text)) : "*";
      out.push({ specifier: st.moduleSpecifier.text, node: st.moduleSpecifier, names });
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
      out.push({ specifier: st.moduleReference.expression.text, node: st.moduleReference.expression, names: "*" });
    }
  }
  return out;
}

/** The workspace file a specifier resolves to, relative; null for a package, a missing file or a non-TypeScript file. */
function resolveLocal(
  ts: TypeScript,
  specifier: string,
  sf: TS.SourceFile | null,
  node: TS.StringLiteral | null,
  root: string,
  options: TS.CompilerOptions,
  host: RecordingHost,
  from = sf?.fileName ?? path.join(root, "index.ts"),
): string | null {
  const mode = sf && node ? ts.getModeForUsageLocation(sf, node, options) : undefined;
  const resolved = ts.resolveModuleName(specifier, from, options, host, undefined, undefined, mode).resolvedModule;
  if (!resolved || resolved.isExternalLibraryImport) return null;
  const rel = path.relative(root, resolved.resolvedFileName);
  if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep).includes("node_modules")) return null;
  if (!SHOWN_EXTENSIONS.some((ext) => rel.endsWith(ext))) return null;
  return rel.split(path.sep).join("/");
}

/**
 * Paths in the description that name a workspace module: `src/types.ts`, `src/utils/format`
 * (tried the way an import from the workspace root would be) or an alias such as `@/types`.
 */
function namedModules(ts: TypeScript, input: FollowInput, file: string, options: TS.CompilerOptions, host: RecordingHost): string[] {
  const out: string[] = [];
  for (const m of input.description.matchAll(/(?:^|[\s`'"(\[])((?:\.{0,2}\/)?[@~\w][\w@~.-]*(?:\/[\w.-]+)+|[\w.-]+\.(?:d\.ts|tsx?|mts|cts))(?=$|[\s`'",;:)\]]|\.(?:\s|$))/g)) {
    const named = m[1]!.replace(/\.$/, "");
    const tries = named.startsWith(".") ? [named] : [`./${named}`, ...(options.paths ? [named] : [])];
    for (const specifier of tries) {
      const target = resolveLocal(ts, specifier, null, null, input.root, options, host, path.join(input.root, "index.ts"));
      if (target && target !== file && !out.includes(target) && !input.shownWhole.has(target)) {
        out.push(target);
        break;
      }
    }
  }
  return out;
}

interface Reader {
  ts: TypeScript;
  input: FollowInput;
  options: TS.CompilerOptions;
  host: RecordingHost;
  inference: TypeInference;
}

/** A module's declarations that `wanted` reaches, following its re-exports into the modules they name. */
function declarationsOf(reader: Reader, file: string, wanted: Wanted, depth: number, seen: Set<string>): ShownDeclaration[] {
  const { ts, input, options, host } = reader;
  if (seen.has(file) || input.shownWhole.has(file)) return [];
  seen.add(file);
  const abs = path.join(input.root, file);
  const text = host.readFile(abs);
  if (text === undefined) return [];
  const outline = readExports(ts, abs, text, reader.inference);
  const wants = (d: ExportedDeclaration) => wanted === "*" || [...d.names, ...d.neededBy].some((n) => wanted.has(n));
  // A module imported directly is shown whole, what was asked for marked; one reached through a
  // barrel only for what was asked for: a barrel gathers far more than one importer uses.
  const own = outline.declarations
    .filter((d) => depth === 0 || wants(d))
    .map((d) => ({ ...d, file, wanted: wanted !== "*" && wants(d) }));
  if (depth >= MAX_REEXPORT_DEPTH) return own;
  const sf = outline.reexports.length > 0 ? parse(ts, abs, text, options, host) : null;
  const followed = outline.reexports.flatMap((r) => {
    const target = resolveLocal(ts, r.specifier, sf, null, input.root, options, host, abs);
    if (!target) return [];
    const pass: Wanted | null = passOn(r.names, wanted);
    if (pass === null) return [];
    const renames = new Map(r.names === "*" ? [] : r.names.filter(([name, as]) => name !== as));
    return declarationsOf(reader, target, pass, depth + 1, seen).map((d) => {
      // `export { Icon as Glyph } from './Icon'`: the importer knows it by the barrel's name.
      const renamed = d.names.filter((n) => renames.has(n));
      return {
        ...d,
        names: d.names.map((n) => renames.get(n) ?? n),
        text: renamed.length > 0 ? `${d.text} // re-exported by ${file} as ${renamed.map((n) => renames.get(n)).join(", ")}` : d.text,
        wanted: wanted !== "*" && d.wanted,
      };
    });
  });
  return [...own, ...followed];
}

/** What a re-export passes on of what the importer wants (null: nothing it wants). */
function passOn(names: Array<[string, string]> | "*", wanted: Wanted): Wanted | null {
  if (names === "*") {
    if (wanted === "*") return "*";
    const rest = new Set([...wanted].filter((n) => n !== "default"));
    return rest.size > 0 ? rest : null;
  }
  const pass = new Set(names.filter(([, as]) => wanted === "*" || wanted.has(as)).map(([name]) => name));
  return pass.size > 0 ? pass : null;
}
