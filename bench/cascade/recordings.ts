// The recorded replies of `run.ts --recorded`, one entry per task: for each tier, what the model
// answers at its 1st, 2nd, ... call (the last entry repeats), served by the scripted
// OpenAI-compatible server. A HARNESS CHECK, not a model measurement: the outcomes are designed,
// and the expected pass rate of every mode is known before the run.
//
// Reply kinds:
//   solution      the reference solution (bench/tasks/<id>/solution) as a diff; the model got it right
//   <variant>     the solution with a realistic mistake (the `variants` of the task):
//                   typecheck  a type error tsc reports (e.g. .toFixed() into a number prop,
//                              JSX.Element without React 19's global JSX, a non-type import
//                              under verbatimModuleSyntax)
//                   lint       code tsc accepts and ESLint refuses (`any`)
//                   wrong      compiles, lints and builds, but is wrong: verification passes,
//                              the task completes, the hidden test fails
//   noDiff        prose without an edit ("no change is needed"): the patch is refused
// A `:whole` suffix answers with the complete file (path line + fenced block) instead of a diff.
//
// Context: the last three tasks cannot be done right without seeing the rest of the workspace
// (an imported type's fields, a helper's signature in another file, the import style the
// tsconfig demands). Their `withoutContext` replies are served when the prompt lacks what the
// model needs (`needs`: a piece of the context, e.g. the imported interface's field), so a run
// with the context turned off (--context off) shows the mistakes a model makes blind, and a run
// with it on fails loudly if the context did not reach the prompt.
//
// Profiles (25 tasks, with the context), and whether each mode passes (PROFILE_EXPECT):
//   easy        11  fast passes at once                                  fast ✓ deep ✓ cascade ✓
//   retry        3  fast: type error, then right after the feedback      fast ✓ deep ✓ cascade ✓
//   escalation   4  fast fails twice (type errors), deep passes          fast ✗ deep ✓ cascade ✓
//   fast-wrong   2  fast's answer verifies but is wrong; deep is right   fast ✗ deep ✓ cascade ✗
//   abort        2  nothing passes on any tier                           fast ✗ deep ✗ cascade ✗
//   reviewer     2  fast and deep fail verification; the reviewer passes fast ✗ deep ✗ cascade ✓
//   deep-wrong   1  fast is right; deep "improves" it into a wrong answer fast ✓ deep ✗ cascade ✓
// Without the context, the three context tasks are: 2 wrong (every tier writes an answer that
// verifies but is wrong: fast ✗ deep ✗ cascade ✗) and 1 retry (a value import of a type, fixed
// after tsc's error).
//
// EXPECTED pass rates (hidden tests), full suite:
//   with the context      fast 15/25 = 60.0%   deep 20/25 = 80.0%   cascade 21/25 = 84.0%
//   without the context   fast 13/25 = 52.0%   deep 18/25 = 72.0%   cascade 19/25 = 76.0%
// The first four tasks (easy, escalation, abort, fast-wrong) are the test's subset:
//   fast 1/4 = 25%, deep 3/4 = 75%, cascade 2/4 = 50%.
// `expectedOutcome()` (recorded.ts) derives these from the replies and the modes' limits; the
// orchestrator test checks that the derivation agrees with the numbers written here.
import type { Tier } from "../../orchestrator/src/core/types.ts";
import type { Mode } from "./modes.ts";

export type Profile = "easy" | "retry" | "escalation" | "fast-wrong" | "abort" | "reviewer" | "deep-wrong" | "wrong";
export type Effect = "typecheck" | "lint" | "wrong";

/** [effect, find, replace, find, replace, ...]: the solution with each `find` (once in the file) replaced. */
export type Variant = [Effect, string, string, ...string[]];

export interface Recording {
  profile: Profile;
  replies: Record<Tier, string[]>;
  /** The file every variant edits. */
  file?: string;
  variants?: Record<string, Variant>;
  /** The prose of a noDiff reply. */
  noDiff?: string;
  /** What the model answers when the prompt lacks `needs` (the context was off, or did not reach it). */
  withoutContext?: { needs: string; profile: Profile; replies: Record<Tier, string[]> };
}

/** Written by hand: does the hidden test pass in each mode, per profile. Checked against expectedOutcome(). */
export const PROFILE_EXPECT: Record<Profile, Record<Mode, boolean>> = {
  easy: { fast: true, deep: true, cascade: true },
  retry: { fast: true, deep: true, cascade: true },
  escalation: { fast: false, deep: true, cascade: true },
  "fast-wrong": { fast: false, deep: true, cascade: false },
  abort: { fast: false, deep: false, cascade: false },
  reviewer: { fast: false, deep: false, cascade: true },
  "deep-wrong": { fast: true, deep: false, cascade: true },
  wrong: { fast: false, deep: false, cascade: false },
};

export type ContextSetting = "on" | "off";
export const EXPECTED_PASS: Record<ContextSetting, Record<Mode, number>> = {
  on: { fast: 15, deep: 20, cascade: 21 },
  off: { fast: 13, deep: 18, cascade: 19 },
};
export const EXPECTED_SUBSET = { tasks: 4, pass: { fast: 1, deep: 3, cascade: 2 } as Record<Mode, number> };

/** The replies per tier; the tiers left out answer with the solution. */
const tiers = (fast: string[], deep = ["solution"], reviewer = ["solution"]): Record<Tier, string[]> => ({ fast, deep, reviewer });
const EASY: Recording = { profile: "easy", replies: tiers(["solution"]) };

export const RECORDINGS: Record<string, Recording> = {
  "01-badge": EASY,

  "02-pagination-bug": {
    profile: "escalation",
    // In fast mode the fast model then gives up ("no change is needed") until the attempts run out.
    replies: tiers(["toFixed", "returnNull", "noDiff"]),
    noDiff: "After the last change `pageCount` rounds up and `pageSlice` returns the right items, so the file needs no further change.",
    file: "src/utils/pagination.ts",
    variants: {
      toFixed: ["typecheck", "return Math.ceil(totalItems / pageSize)", "return Math.ceil(totalItems / pageSize).toFixed(0)"],
      returnNull: ["typecheck", "if (page < 1) return []", "if (page < 1) return null"],
    },
  },

  "03-roman-bug": {
    profile: "abort",
    // Neither the fast nor the deep model sees the bug; the reviewer's rewrite does not typecheck.
    replies: tiers(["noDiff"], ["noDiff"], ["stringInput"]),
    noDiff:
      "I went through `toRoman`: the greedy loop over `NUMERALS` always subtracts the largest value that fits, so every number gets a valid numeral. No change is needed.",
    file: "src/utils/roman.ts",
    variants: {
      stringInput: ["typecheck", "export function toRoman(value: number): string {", "export function toRoman(value: number | string): string {"],
    },
  },

  "04-slugify": {
    profile: "fast-wrong",
    replies: tiers(["noAccents"]),
    file: "src/utils/slugify.ts",
    variants: {
      noAccents: ["wrong", String.raw`    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
`, ""],
    },
  },

  "05-avatar": EASY,
  "06-clamp": EASY,

  "07-format-bytes": {
    profile: "retry",
    replies: tiers(["atUndefined", "solution"]),
    file: "src/utils/formatBytes.ts",
    variants: { atUndefined: ["typecheck", "${UNITS[unit]}", "${UNITS.at(unit).toUpperCase()}"] },
  },

  "08-progress-bar": {
    profile: "escalation",
    replies: tiers(["stringAria", "stringStyle", "noClamp"]),
    file: "src/components/ProgressBar.tsx",
    variants: {
      stringAria: ["typecheck", "aria-valuenow={percent}", "aria-valuenow={percent.toFixed(0)}"],
      stringStyle: ["typecheck", "style={{ width: `${percent}%` }}", "style={`width: ${percent}%`}"],
      noClamp: ["wrong", "Math.min(100, Math.max(0, Math.round((value / max) * 100)))", "Math.round((value / max) * 100)"],
    },
  },

  "09-chunk": {
    profile: "easy",
    // The deep model reaches for `any` first; ESLint sends it back once.
    replies: tiers(["solution"], ["anyArray", "solution"]),
    file: "src/utils/chunk.ts",
    variants: { anyArray: ["lint", "const out: T[][] = []", "const out: any[] = []"] },
  },

  "10-median-bug": {
    profile: "retry",
    replies: tiers(["booleanCompare", "solution"]),
    file: "src/utils/stats.ts",
    variants: { booleanCompare: ["typecheck", ".sort((a, b) => a - b)", ".sort((a, b) => a > b)"] },
  },

  "11-tag-list": EASY,

  "12-truncate": {
    profile: "fast-wrong",
    replies: tiers(["threeDots"]),
    file: "src/utils/truncate.ts",
    variants: { threeDots: ["wrong", "text.slice(0, maxLength - 1).trimEnd()}…`", "text.slice(0, maxLength).trimEnd()}...`"] },
  },

  "13-pluralize": EASY,

  "14-alert": {
    profile: "escalation",
    replies: tiers(["globalJsx", "valueImport"], ["solution:whole"]),
    file: "src/components/Alert.tsx",
    variants: {
      globalJsx: ["typecheck", "import type { ReactNode } from 'react'\n\n", "", "children?: ReactNode", "children?: JSX.Element"],
      valueImport: ["typecheck", "import type { ReactNode } from 'react'", "import { ReactNode } from 'react'"],
    },
  },

  "15-group-by": EASY,

  "16-query-string": {
    profile: "reviewer",
    replies: tiers(["pushOnString", "narrowRecord"], ["anyRecord", "undefinedPart"], ["solution:whole"]),
    file: "src/utils/parseQuery.ts",
    variants: {
      pushOnString: ["typecheck", "    else if (Array.isArray(existing)) existing.push(value)\n    else result[key] = [existing, value]\n", "    else existing.push(value)\n"],
      narrowRecord: ["typecheck", "const result: Record<string, string | string[]> = {}", "const result: Record<string, string> = {}"],
      anyRecord: ["lint", "const result: Record<string, string | string[]> = {}", "const result: Record<string, any> = {}"],
      undefinedPart: ["typecheck", "function decode(part: string): string {", "function decode(part: string | undefined): string {"],
    },
  },

  "17-price-bug": {
    profile: "escalation",
    replies: tiers(["padNumber", "replaceOnNumber", "noGrouping"]),
    file: "src/utils/price.ts",
    variants: {
      padNumber: ["typecheck", "String(rest).padStart(2, '0')", "String(rest).padStart(2, 0)"],
      replaceOnNumber: ["typecheck", "const grouped = String(whole).replace(", "const grouped = whole.replace("],
      noGrouping: ["wrong", String.raw`const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',')`, "const grouped = String(whole)"],
    },
  },

  "18-empty-state": EASY,

  "19-camel-case": {
    profile: "deep-wrong",
    replies: tiers(["solution"], ["lowerRest"]),
    file: "src/utils/camelCase.ts",
    variants: {
      lowerRest: ["wrong", "word.charAt(0).toUpperCase() + word.slice(1)", "word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()"],
    },
  },

  "20-sort-by-bug": {
    profile: "reviewer",
    replies: tiers(["subtractKeys", "sortReadonly"], ["stringKey", "anyKey"], ["solution:whole"]),
    file: "src/utils/sortBy.ts",
    variants: {
      subtractKeys: [
        "typecheck",
        "    const x = a[key]\n    const y = b[key]\n    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1\n    if (x < y) return -sign\n    if (x > y) return sign\n    return 0\n",
        "    return sign * (a[key] - b[key])\n",
      ],
      sortReadonly: ["typecheck", "return [...items].sort(", "return items.sort("],
      stringKey: ["typecheck", "key: keyof T,", "key: string,"],
      anyKey: ["lint", "const x = a[key]", "const x: any = a[key]"],
    },
  },

  "21-rating": {
    profile: "abort",
    replies: tiers(["numberLabel", "booleanAsNumber"], ["booleanArithmetic", "anyFull"], ["numberLabel"]),
    file: "src/components/Rating.tsx",
    variants: {
      numberLabel: ["typecheck", "aria-label={`${rounded} out of ${max}`}", "aria-label={rounded}"],
      booleanAsNumber: ["typecheck", "const half = rounded - full === 0.5", "const half: number = rounded - full === 0.5"],
      booleanArithmetic: ["typecheck", "const empty = max - full - (half ? 1 : 0)", "const empty = max - full - half"],
      anyFull: ["lint", "const full = Math.floor(rounded)", "const full: any = Math.floor(rounded)"],
    },
  },

  "22-cart-summary-bug": {
    profile: "retry",
    replies: tiers(["reduceNoInit", "solution"]),
    file: "src/components/CartSummary.tsx",
    variants: { reduceNoInit: ["typecheck", "lines.reduce((sum, line) => sum + line.price * line.quantity, 0)", "lines.reduce((sum, line) => sum + line.price * line.quantity)"] },
  },

  "23-member-roles": {
    profile: "easy",
    replies: tiers(["solution"]),
    file: "src/components/MemberRow.tsx",
    variants: { joinObjects: ["wrong", "member.roles.map((role) => role.label).join(', ')", "member.roles.join(', ')"] },
    // Blind to src/models/member.ts, the model takes roles for a list of strings: it compiles
    // (join takes any array) and renders "[object Object], [object Object]".
    withoutContext: { needs: "  label: string\n", profile: "wrong", replies: tiers(["joinObjects"], ["joinObjects"], ["joinObjects"]) },
  },

  "24-price-tag": {
    profile: "easy",
    replies: tiers(["solution"]),
    file: "src/components/PriceTag.tsx",
    variants: {
      objectArg: ["typecheck", "formatMoney(cents, currency)", "formatMoney({ amount: cents, currency })"],
      centsAsUnits: ["wrong", "formatMoney(cents, currency)", "formatMoney(cents / 100, currency)"],
    },
    // Blind to formatMoney's signature, the model guesses an options object, then (after tsc's
    // error) euros instead of cents: it compiles and prints €0.19.99.
    withoutContext: {
      needs: "export function formatMoney(amountInCents: number, currency: CurrencyCode): string;",
      profile: "wrong",
      replies: tiers(["objectArg", "centsAsUnits"], ["centsAsUnits"], ["centsAsUnits"]),
    },
  },

  "25-sort-accounts": {
    profile: "easy",
    replies: tiers(["solution"]),
    file: "src/utils/sortAccounts.ts",
    variants: { valueImport: ["typecheck", "import type { Account }", "import { Account }"] },
    // Without the project facts nothing says verbatimModuleSyntax is on: a plain import of the
    // type, which tsc's TS1484 then corrects.
    withoutContext: { needs: "verbatimModuleSyntax", profile: "retry", replies: tiers(["valueImport", "solution"], ["valueImport", "solution"], ["valueImport", "solution"]) },
  },
};
