// The types TypeScript infers where a module does not write them: a long constant's type (a
// table of settings is better shown as its shape than cut short) and an unannotated function's
// return type. The compiler checks the one module against the standard library only, without
// following its imports, so it costs tens of milliseconds a module once the library is parsed;
// a type that needed what it did not follow comes out as `any` and is not shown.
import type * as TS from "typescript";
import type { TypeScript } from "../../source/typescript.ts";

export interface ModuleTypes {
  /** The declared type of a variable, by its name node; null when unknown. */
  typeOf(name: TS.Node): string | null;
  /** The return type of a function-like declaration; null when unknown. */
  returnTypeOf(fn: TS.SignatureDeclaration): string | null;
}

export interface TypeInference {
  /** The checker of one parsed module, created on first use. */
  forFile(sf: TS.SourceFile): ModuleTypes;
}

/** Longer than this, a type costs more tokens than it is worth; the value is cut short instead. */
const MAX_TYPE_CHARS = 2000;

/**
 * The standard library's declaration files are parsed once into `libs` and shared by every
 * module checked with it (one map per run: context/cache.ts).
 */
export function createTypeInference(ts: TypeScript, libs = new Map<string, TS.SourceFile | undefined>()): TypeInference {
  const options: TS.CompilerOptions = {
    lib: ["lib.es2023.d.ts"],
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noResolve: true,
    types: [],
    noEmit: true,
    jsx: ts.JsxEmit.Preserve,
  };
  return {
    forFile(sf) {
      let checker: TS.TypeChecker | null = null;
      const check = (): TS.TypeChecker => {
        if (checker) return checker;
        const host = ts.createCompilerHost(options);
        const readLib = host.getSourceFile.bind(host);
        host.getSourceFile = (fileName, version) => {
          if (fileName === sf.fileName) return sf;
          if (!libs.has(fileName)) libs.set(fileName, readLib(fileName, version));
          return libs.get(fileName);
        };
        checker = ts.createProgram([sf.fileName], options, host).getTypeChecker();
        return checker;
      };
      const shown = (type: TS.Type | undefined, at: TS.Node): string | null => {
        if (!type) return null;
        const text = check().typeToString(type, at, ts.TypeFormatFlags.NoTruncation);
        return /\bany\b/.test(text) || text.length > MAX_TYPE_CHARS ? null : text;
      };
      return {
        typeOf: (name) => shown(check().getTypeAtLocation(name), name),
        returnTypeOf(fn) {
          const signature = check().getSignatureFromDeclaration(fn);
          return signature ? shown(check().getReturnTypeOfSignature(signature), fn) : null;
        },
      };
    },
  };
}
