/** resolvePath: a path the model writes resolves only ever to an owned file. */
import { describe, expect, test } from "bun:test";
import { resolvePath } from "../../src/edits/paths.ts";

describe("resolvePath: only ever an owned file", () => {
  const owned = ["src/App.tsx", "src/components/Button.tsx", "src/a/index.ts", "src/b/index.ts", "README.md"];
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
  ];
  for (const [raw, want] of cases) {
    test(`${raw} -> ${want}`, () => {
      const r = resolvePath(raw, owned);
      expect(r.kind === "owned" ? `owned:${r.path}` : r.kind).toBe(want);
    });
  }
});
