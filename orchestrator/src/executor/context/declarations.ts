// A module's exported declarations without their bodies, read by the TypeScript parser: what a
// file that imports the module can use. Types, interfaces and enums are shown whole (their
// fields are the point); functions, methods and components as their signatures; constants as
// their type when it is written, else as their value when that is short. A local type an export
// uses (a component's unexported Props) is shown too, since a caller needs its fields. Where the
// module writes no type, the one TypeScript infers is shown when it can be (infer.ts). This is
// what another module can use of a file, as code; source/outline.ts is the other reading of a
// file: every declaration with the lines it spans, for a file shown in part.
import type * as TS from "typescript";
import type { ModuleTypes, TypeInference } from "./infer.ts";
import { hasModifier, scriptKindOf, type TypeScript } from "../../source/typescript.ts";

export interface ExportedDeclaration {
  /** The names a module importing this one uses for it ("default" for a default export). */
  names: string[];
  text: string;
  /** For a local type shown because exports use it: the names of those exports. */
  neededBy: string[];
}

export interface Reexport {
  specifier: string;
  /** The names re-exported, as [name in the target, name here]; "*" for `export *`. */
  names: Array<[string, string]> | "*";
}

export interface ModuleExports {
  declarations: ExportedDeclaration[];
  /** `export ... from` statements: a barrel's content lives in the modules they name. */
  reexports: Reexport[];
}

/** The longest initializer shown as written: a short value says its type better than a name does. */
const SHORT_VALUE_CHARS = 400;
const SHORT_VALUE_LINES = 12;
const CUT_SHORT = " … (value cut short)";

export function readExports(ts: TypeScript, fileName: string, text: string, inference?: TypeInference): ModuleExports {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(ts, fileName));
  return new ExportReader(ts, sf, inference?.forFile(sf) ?? null).read();
}

type Named = TS.InterfaceDeclaration | TS.TypeAliasDeclaration | TS.EnumDeclaration | TS.ClassDeclaration | TS.FunctionDeclaration | TS.ModuleDeclaration;

class ExportReader {
  /** Local name -> the names it is exported as by `export { a as b }` or `export default a`. */
  private readonly listed = new Map<string, string[]>();

  constructor(
    private readonly ts: TypeScript,
    private readonly sf: TS.SourceFile,
    private readonly types: ModuleTypes | null,
  ) {}

  read(): ModuleExports {
    const ts = this.ts;
    const reexports: Reexport[] = [];
    for (const st of this.sf.statements) {
      if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const clause = st.exportClause;
        if (!clause) reexports.push({ specifier: st.moduleSpecifier.text, names: "*" });
        else if (ts.isNamedExports(clause)) {
          reexports.push({ specifier: st.moduleSpecifier.text, names: clause.elements.map((e) => [(e.propertyName ?? e.name).text, e.name.text]) });
        }
      } else if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const e of st.exportClause.elements) this.list((e.propertyName ?? e.name).text, e.name.text);
      } else if (ts.isExportAssignment(st) && ts.isIdentifier(st.expression)) {
        this.list(st.expression.text, st.isExportEquals ? "export =" : "default");
      }
    }
    // A global declaration file (no import or export) declares everything it holds.
    const global = this.sf.isDeclarationFile && !this.sf.statements.some((s) => this.isModuleSyntax(s));
    const shown = new Set<TS.Statement>();
    const declarations: Array<{ at: number; d: ExportedDeclaration }> = [];
    const add = (st: TS.Statement, d: ExportedDeclaration | null) => {
      if (!d || shown.has(st)) return;
      shown.add(st);
      declarations.push({ at: st.getStart(this.sf), d });
    };
    for (const st of this.sf.statements) add(st, this.render(st, global));
    // Then the local types the shown declarations mention, and the types those mention.
    const locals = new Map<TS.Statement, ExportedDeclaration>();
    for (let i = 0; i < declarations.length; i++) {
      const user = declarations[i]!.d;
      for (const name of this.typeNamesIn(user.text)) {
        const local = this.localType(name);
        if (!local) continue;
        const users = [...user.names, ...user.neededBy];
        const known = locals.get(local);
        if (known) known.neededBy = [...new Set([...known.neededBy, ...users])];
        else if (!shown.has(local)) {
          const d: ExportedDeclaration = { names: [], text: `${this.whole(local)} // not exported`, neededBy: users };
          locals.set(local, d);
          add(local, d);
        }
      }
    }
    declarations.sort((a, b) => a.at - b.at);
    return { declarations: declarations.map((x) => x.d), reexports };
  }

  private list(local: string, as: string): void {
    this.listed.set(local, [...(this.listed.get(local) ?? []), as]);
  }

  private isModuleSyntax(st: TS.Statement): boolean {
    const ts = this.ts;
    return ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isExportAssignment(st) || this.hasModifier(st, ts.SyntaxKind.ExportKeyword);
  }

  private hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
    return hasModifier(this.ts, node, kind);
  }

  /** The names `st` is exported as: by its own `export`, or by an export list naming it. */
  private exportNames(st: TS.Statement, name: string | undefined, global: boolean): string[] {
    const ts = this.ts;
    const own = this.hasModifier(st, ts.SyntaxKind.ExportKeyword) ? [this.hasModifier(st, ts.SyntaxKind.DefaultKeyword) ? "default" : (name ?? "default")] : [];
    const names = [...own, ...(name ? (this.listed.get(name) ?? []) : [])];
    return names.length === 0 && global && name ? [name] : names;
  }

  private render(st: TS.Statement, global: boolean): ExportedDeclaration | null {
    const ts = this.ts;
    if (ts.isVariableStatement(st)) return this.renderVariables(st, global);
    if (ts.isExportAssignment(st)) {
      if (ts.isIdentifier(st.expression)) return null;
      const how = st.isExportEquals ? "export =" : "export default";
      return { names: [st.isExportEquals ? "export =" : "default"], text: `${how} ${this.valueText(st.expression)}`, neededBy: [] };
    }
    if (!this.isNamed(st)) return null;
    const name = st.name && (ts.isIdentifier(st.name) || ts.isStringLiteral(st.name)) ? st.name.text : undefined;
    const names = this.exportNames(st, name, global);
    if (names.length === 0) return null;
    let text: string;
    if (ts.isFunctionDeclaration(st)) {
      // An implementation behind overloads is not callable as written: its overloads are shown.
      if (st.body && this.hasOverloads(st)) return null;
      text = st.body ? `${this.upTo(st, st.body)}${this.inferredReturn(st)};` : this.whole(st);
    } else if (ts.isClassDeclaration(st)) {
      text = this.renderClass(st);
    } else {
      text = this.whole(st);
    }
    return { names, text: this.withExportNote(text, st, name, names), neededBy: [] };
  }

  private isNamed(st: TS.Statement): st is Named {
    const ts = this.ts;
    return ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st) || ts.isClassDeclaration(st) || ts.isFunctionDeclaration(st) || ts.isModuleDeclaration(st);
  }

  private hasOverloads(fn: TS.FunctionDeclaration): boolean {
    return this.sf.statements.some((s) => s !== fn && this.ts.isFunctionDeclaration(s) && !s.body && s.name?.text === fn.name?.text);
  }

  /** A declaration exported by a list rather than by its own keyword says how. */
  private withExportNote(text: string, st: TS.Statement, name: string | undefined, names: string[]): string {
    const listed = name ? this.listed.has(name) : false;
    if (this.hasModifier(st, this.ts.SyntaxKind.ExportKeyword) || names.length === 0 || !listed) return text;
    if (names.length === 1 && names[0] === name) return `export ${text}`;
    return `${text} // exported as ${names.join(", ")}`;
  }

  private renderVariables(st: TS.VariableStatement, global: boolean): ExportedDeclaration | null {
    const ts = this.ts;
    const flags = st.declarationList.flags;
    const keyword = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    const exported = this.hasModifier(st, ts.SyntaxKind.ExportKeyword);
    const declare = this.hasModifier(st, ts.SyntaxKind.DeclareKeyword) ? "declare " : "";
    const names: string[] = [];
    const lines: string[] = [];
    for (const d of st.declarationList.declarations) {
      const bound = boundNames(ts, d.name);
      const name = ts.isIdentifier(d.name) ? d.name.text : undefined;
      const as = exported ? bound : name ? (this.listed.get(name) ?? (global ? [name] : [])) : [];
      if (as.length === 0) continue;
      names.push(...as);
      const listed = name !== undefined && this.listed.has(name);
      const plain = exported || !listed || (as.length === 1 && as[0] === name);
      const line = `${exported || (listed && plain) ? "export " : ""}${declare}${keyword} ${this.variableText(d)}`;
      lines.push(plain ? line : `${line} // exported as ${as.join(", ")}`);
    }
    return lines.length === 0 ? null : { names, text: lines.join("\n"), neededBy: [] };
  }

  private variableText(d: TS.VariableDeclaration): string {
    const name = d.name.getText(this.sf);
    if (d.type) return `${name}: ${d.type.getText(this.sf)}`;
    if (!d.initializer) return name;
    const value = this.valueText(d.initializer);
    if (!value.endsWith(CUT_SHORT)) return `${name} = ${value}`;
    // A long value is better shown as its type than cut short.
    const type = this.types?.typeOf(d.name) ?? null;
    return type ? `${name}: ${type}` : `${name} = ${value}`;
  }

  /** ": T" for a function that writes no return type, when TypeScript can tell it. */
  private inferredReturn(fn: TS.SignatureDeclaration): string {
    if (fn.type || !this.types) return "";
    const type = this.types.returnTypeOf(fn);
    return type ? `: ${type}` : "";
  }

  /** A value as a caller needs it: a function's signature, a short value as written, else its start. */
  private valueText(expr: TS.Expression): string {
    const ts = this.ts;
    const inner = skipOuter(ts, expr);
    if (ts.isArrowFunction(inner)) return `${this.upTo(inner, inner.equalsGreaterThanToken)}${this.inferredReturn(inner)} => …`;
    if (ts.isFunctionExpression(inner)) return `${this.upTo(inner, inner.body)}${this.inferredReturn(inner)} { … }`;
    if (ts.isCallExpression(inner)) {
      // memo(...), forwardRef(...), styled(...): the wrapped function's signature is what matters.
      const fn = inner.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      if (fn && inner.arguments.length === 1) {
        const head = this.sf.text.slice(inner.getStart(this.sf), fn.getStart(this.sf));
        return `${head}${this.valueText(fn as TS.Expression)})`;
      }
    }
    const full = expr.getText(this.sf);
    if (full.length <= SHORT_VALUE_CHARS && full.split("\n").length <= SHORT_VALUE_LINES) return full;
    return `${full.split("\n")[0]!.slice(0, 120)}${CUT_SHORT}`;
  }

  private renderClass(c: TS.ClassDeclaration): string {
    const ts = this.ts;
    const head = this.sf.text.slice(c.getStart(this.sf), c.members.pos).trimEnd();
    const members: string[] = [];
    for (const m of c.members) {
      if (this.hasModifier(m, ts.SyntaxKind.PrivateKeyword) || (m.name && ts.isPrivateIdentifier(m.name))) continue;
      if (ts.isPropertyDeclaration(m)) {
        const start = this.sf.text.slice(m.getStart(this.sf), (m.type ?? m.questionToken ?? m.exclamationToken ?? m.name).end);
        members.push(m.type || !m.initializer ? `${start};` : `${start} = ${this.valueText(m.initializer)};`);
      } else if ((ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) && m.body) {
        members.push(`${this.upTo(m, m.body)}${this.inferredReturn(m)};`);
      } else if ((ts.isConstructorDeclaration(m) || ts.isSetAccessorDeclaration(m)) && m.body) {
        members.push(`${this.upTo(m, m.body)};`);
      } else if (!ts.isClassStaticBlockDeclaration(m) && !ts.isSemicolonClassElement(m)) {
        members.push(m.getText(this.sf));
      }
    }
    return `${head}${members.map((m) => `\n  ${m}`).join("")}\n}`;
  }

  /** Names used as types in a rendered declaration, found by parsing the text back. */
  private typeNamesIn(text: string): Set<string> {
    const ts = this.ts;
    const names = new Set<string>();
    const sf = ts.createSourceFile("x.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: TS.Node) => {
      if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
        const ref = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
        const head = ts.isIdentifier(ref) ? ref.text : ts.isQualifiedName(ref) ? leftmost(ts, ref) : null;
        if (head) names.add(head);
      } else if (ts.isTypeQueryNode(node) && ts.isIdentifier(node.exprName)) {
        names.add(node.exprName.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    return names;
  }

  private localType(name: string): TS.Statement | null {
    const ts = this.ts;
    for (const st of this.sf.statements) {
      if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name.text === name) return st;
    }
    return null;
  }

  private whole(node: TS.Node): string {
    return node.getText(this.sf);
  }

  /** The text of `node` from its start up to (not including) `stop`, trimmed. */
  private upTo(node: TS.Node, stop: TS.Node): string {
    return this.sf.text.slice(node.getStart(this.sf), stop.getStart(this.sf)).trimEnd();
  }
}

function skipOuter(ts: TypeScript, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function boundNames(ts: TypeScript, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(ts, e.name)));
}

function leftmost(ts: TypeScript, q: TS.QualifiedName): string | null {
  let left: TS.EntityName = q;
  while (ts.isQualifiedName(left)) left = left.left;
  return left.text;
}
