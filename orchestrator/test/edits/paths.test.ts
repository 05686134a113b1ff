/** resolvePath: a path the model writes resolves only ever to an owned file. */
import { describe, expect, test } from "bun:test";
import { resolvePath, unquoteGitPath } from "../../src/edits/paths.ts";

describe("resolvePath: only ever an owned file", () => {
  const owned = ["src/App.tsx", "src/components/Button.tsx", "src/a/index.ts", "src/b/index.ts", "README.md", "src/ü/ß.ts"];
  const cases: [string, string][] = [
    ["a/src/App.tsx", "owned:src/App.tsx"],
    ["b/src/App.tsx", "owned:src/App.tsx"],
    ["src/App.tsx", "owned:src/App.tsx"],
    ["./src/App.tsx", "owned:src/App.tsx"],
    ["orig/src/App.tsx", "owned:src/App.tsx"],
    ["my-project/src/components/Button.tsx", "owned:src/components/Button.tsx"],
    ["packages/web/src/components/Button.tsx", "owned:src/components/Button.tsx"],
    ["/home/me/proj/src/App.tsx", "owned:src/App.tsx"],
    ["Button.tsx", "owned:src/components/Button.tsx"],
    ["components/Button.tsx", "owned:src/components/Button.tsx"],
    ["a/Button.tsx", "owned:src/components/Button.tsx"],
    ["`src/App.tsx`", "owned:src/App.tsx"],
    ['"src/App.tsx"', "owned:src/App.tsx"],
    ["src\\App.tsx", "owned:src/App.tsx"],
    ["README.md", "owned:README.md"],
    ["index.ts", "not_owned"],
    ["src/main.tsx", "not_owned"],
    ["src/utils/App.tsx", "not_owned"],
    ["package.json", "not_owned"],
    ["lib/deep/other/Button.tsx", "not_owned"],
    ["../src/App.tsx", "outside"],
    ["src/../App.tsx", "outside"],
    ["/etc/passwd", "outside"],
    ["C:/x/y.ts", "outside"],
    ["/dev/null", "devnull"],
    // git's quoted form (core.quotePath): the UTF-8 bytes of ü and ß in octal.
    ['"a/src/\\303\\274/\\303\\237.ts"', "owned:src/ü/ß.ts"],
    ["src/ü/ß.ts", "owned:src/ü/ß.ts"],
    ['"a/src/\\303\\274/../x.ts"', "outside"],
  ];
  for (const [raw, want] of cases) {
    test(`${raw} -> ${want}`, () => {
      const r = resolvePath(raw, owned);
      expect(r.kind === "owned" ? `owned:${r.path}` : r.kind).toBe(want);
    });
  }
});

test.each([
  ['"a/src/\\303\\274.ts"', "a/src/ü.ts"],
  ['"a/tab\\there"', "a/tab\there"],
  ['"a/say \\"hi\\".ts"', 'a/say "hi".ts'],
  ['"src/App.tsx"', '"src/App.tsx"'], // no escapes: the plain quote stripping handles it
  ["src\\App.tsx", "src\\App.tsx"],
  ['"a/bad\\q"', '"a/bad\\q"'], // not a git escape: left as written
])("unquoteGitPath(%s) is %s", (raw, want) => {
  expect(unquoteGitPath(raw)).toBe(want);
});

describe("resolvePath: a read-only file is named as read-only", () => {
  const owned = ["src/components/UserCard.tsx", "src/App.tsx"];
  const read = ["src/types.ts", "src/components/Button.tsx", "lib/App.tsx"];
  const cases: [string, string][] = [
    ["src/types.ts", "read_only:src/types.ts"],
    ["a/src/types.ts", "read_only:src/types.ts"],
    ["types.ts", "read_only:src/types.ts"],
    ["/home/me/proj/src/types.ts", "read_only:src/types.ts"],
    ["Button.tsx", "read_only:src/components/Button.tsx"],
    ["src/components/UserCard.tsx", "owned:src/components/UserCard.tsx"],
    ["UserCard.tsx", "owned:src/components/UserCard.tsx"],
    ["src/App.tsx", "owned:src/App.tsx"],
    ["lib/App.tsx", "read_only:lib/App.tsx"],
    // A basename both lists share could be either: ambiguous, never silently the owned one.
    ["App.tsx", "not_owned:src/App.tsx,lib/App.tsx"],
    ["src/main.tsx", "not_owned:"],
    ["../src/types.ts", "outside"],
  ];
  for (const [raw, want] of cases) {
    test(`${raw} -> ${want}`, () => {
      const r = resolvePath(raw, owned, read);
      const got = r.kind === "owned" || r.kind === "read_only" ? `${r.kind}:${r.path}` : r.kind === "not_owned" ? `not_owned:${r.candidates.join(",")}` : r.kind;
      expect(got).toBe(want);
    });
  }

  test("without read-only files, the owned resolution is unchanged", () => {
    expect(resolvePath("App.tsx", owned)).toEqual({ kind: "owned", path: "src/App.tsx" });
  });
});
