// The outline of a TypeScript or JavaScript file, read with the TypeScript compiler's parser: a
// real parse, so strings, comments, generics and JSX never pass for declarations. Only the
// parser runs (no type checking), and `typescript` is loaded on the first outline (typescript.ts).
import type * as TS from "typescript";
import { headline, type Declaration, type DeclarationKind } from "./outline.ts";
import { hasModifier, loadTypeScript, scriptKindOf, type TypeScript } from "./typescript.ts";

/** describe > describe > test > a call inside it is deep enough for any outline. */
const MAX_DEPTH = 3;

export async function typescriptOutline(file: string, text: string): Promise<Declaration[]> {
  const ts = await loadTypeScript();
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKindOf(ts, file));
  return new OutlineWalk(ts, sf, text.split("\n")).statements(sf.statements, 0);
}

class OutlineWalk {
  private readonly out: Declaration[] = [];

  constructor(
    private readonly ts: TypeScript,
    private readonly sf: TS.SourceFile,
    private readonly lines: readonly string[],
  ) {}

  statements(statements: readonly TS.Statement[], depth: number): Declaration[] {
    let imports: TS.Statement[] = [];
    const flushImports = () => {
      if (imports.length > 0) this.add(imports[0]!, "imports", "imports", depth, imports.at(-1)!);
      imports = [];
    };
    for (const st of statements) {
      if (this.ts.isImportDeclaration(st) || this.ts.isImportEqualsDeclaration(st)) {
        imports.push(st);
        continue;
      }
      flushImports();
      this.statement(st, depth);
    }
    flushImports();
    return this.out;
  }

  private statement(st: TS.Statement, depth: number): void {
    const ts = this.ts;
    if (ts.isFunctionDeclaration(st)) this.add(st, "function", st.name?.text ?? "default", depth);
    else if (ts.isClassDeclaration(st)) this.classLike(st, st.name?.text ?? "default", depth);
    else if (ts.isInterfaceDeclaration(st)) this.withMembers(st, "interface", st.name.text, st.members, depth);
    else if (ts.isTypeAliasDeclaration(st)) this.add(st, "type", st.name.text, depth);
    else if (ts.isEnumDeclaration(st)) this.add(st, "enum", st.name.text, depth);
    else if (ts.isModuleDeclaration(st)) this.namespace(st, depth);
    else if (ts.isVariableStatement(st)) this.variables(st, depth);
    else if (ts.isExportAssignment(st)) this.add(st, "export", "default", depth);
    else if (ts.isExportDeclaration(st)) this.add(st, "export", st.exportClause?.getText(this.sf) ?? "*", depth);
    else if (ts.isExpressionStatement(st) && ts.isCallExpression(st.expression)) this.call(st, st.expression, depth);
  }

  private classLike(node: TS.ClassDeclaration | TS.ClassExpression, name: string, depth: number, at: TS.Node = node): void {
    this.withMembers(at, "class", name, node.members, depth);
  }

  private withMembers(node: TS.Node, kind: DeclarationKind, name: string, members: readonly TS.Node[], depth: number): void {
    this.add(node, kind, name, depth);
    if (depth >= MAX_DEPTH) return;
    for (const m of members) this.add(m, "member", this.memberName(m), depth + 1);
  }

  private memberName(m: TS.Node): string {
    const ts = this.ts;
    if (ts.isConstructorDeclaration(m)) return "constructor";
    if (ts.isIndexSignatureDeclaration(m)) return "[index]";
    if (ts.isCallSignatureDeclaration(m) || ts.isConstructSignatureDeclaration(m)) return "(call)";
    const name = (m as { name?: TS.Node }).name;
    return name ? name.getText(this.sf) : m.getText(this.sf).split("\n")[0]!.slice(0, 40);
  }

  private namespace(st: TS.ModuleDeclaration, depth: number): void {
    this.add(st, "namespace", st.name.getText(this.sf), depth);
    let body = st.body;
    while (body && this.ts.isModuleDeclaration(body)) body = body.body; // namespace a.b.c { }
    if (body && this.ts.isModuleBlock(body) && depth < MAX_DEPTH) this.statements(body.statements, depth + 1);
  }

  private variables(st: TS.VariableStatement, depth: number): void {
    const ts = this.ts;
    const list = st.declarationList.declarations;
    for (const d of list) {
      // One declarator: the statement is the declaration (its `export const` line included).
      const at = list.length === 1 ? st : d;
      const name = d.name.getText(this.sf);
      const init = d.initializer;
      if (init && ts.isClassExpression(init)) this.classLike(init, name, depth, at);
      else this.add(at, init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? "function" : "variable", name, depth, at, st);
    }
  }

  /** A call statement at the top (any call), and the describe/test calls nested in its callbacks. */
  private call(st: TS.ExpressionStatement, call: TS.CallExpression, depth: number): void {
    const ts = this.ts;
    const first = call.arguments[0];
    const title = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : null;
    const callee = call.expression.getText(this.sf).replace(/\s+/g, " ");
    const short = callee.length > 40 ? `${callee.slice(0, 39)}…` : callee;
    this.add(st, "call", title === null ? `${short}()` : `${short}(${JSON.stringify(title)})`, depth);
    if (depth >= MAX_DEPTH) return;
    for (const body of this.callbackBodies(call)) {
      for (const inner of body.statements) {
        const nested = ts.isExpressionStatement(inner) && ts.isCallExpression(inner.expression) ? inner.expression : null;
        if (nested && this.isTitledBlock(nested)) this.call(inner as TS.ExpressionStatement, nested, depth + 1);
      }
    }
  }

  /** describe("…", () => { … }), test("…", fn): a title and a callback, unlike expect(x) or parse("…"). */
  private isTitledBlock(call: TS.CallExpression): boolean {
    const first = call.arguments[0];
    const titled = first !== undefined && (this.ts.isStringLiteral(first) || this.ts.isNoSubstitutionTemplateLiteral(first) || this.ts.isTemplateExpression(first));
    return titled && this.callbackBodies(call).length > 0;
  }

  private callbackBodies(call: TS.CallExpression): TS.Block[] {
    const ts = this.ts;
    return call.arguments.flatMap((arg) => ((ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) && ts.isBlock(arg.body) ? [arg.body] : []));
  }

  private add(node: TS.Node, kind: DeclarationKind, name: string, depth: number, end: TS.Node = node, modifiersOf: TS.Node = node): void {
    const line = this.lineOf(node.getStart(this.sf));
    const endLine = Math.max(line, this.lineOf(end.getEnd()));
    this.out.push({ name, kind, exported: this.isExported(modifiersOf), line, endLine, depth, text: headline(this.lines[line - 1] ?? "") });
  }

  private isExported(node: TS.Node): boolean {
    const ts = this.ts;
    if (ts.isExportAssignment(node) || ts.isExportDeclaration(node)) return true;
    return hasModifier(ts, node, ts.SyntaxKind.ExportKeyword);
  }

  private lineOf(pos: number): number {
    return this.sf.getLineAndCharacterOfPosition(pos).line + 1;
  }
}
