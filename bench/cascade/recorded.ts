// Recorded replies for `run.ts --recorded`: for each task and tier, what the model answers at
// its 1st, 2nd, ... call (the last entry repeats), served by the scripted OpenAI-compatible
// server. A HARNESS CHECK, not a model measurement: the outcomes are designed, and the expected
// pass rate of every mode is known before the run.
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
// Profiles (22 tasks):
//   easy         8  fast passes at once                                  fast ✓ deep ✓ cascade ✓
//   retry        3  fast: type error, then right after the feedback      fast ✓ deep ✓ cascade ✓
//   escalation   4  fast fails twice (type errors), deep passes          fast ✗ deep ✓ cascade ✓
//   fast-wrong   2  fast's answer verifies but is wrong; deep is right   fast ✗ deep ✓ cascade ✗
//   abort        2  nothing passes on any tier                           fast ✗ deep ✗ cascade ✗
//   reviewer     2  fast and deep fail verification; the reviewer passes fast ✗ deep ✗ cascade ✓
//   deep-wrong   1  fast is right; deep "improves" it into a wrong answer fast ✓ deep ✗ cascade ✓
//
// EXPECTED pass rates (hidden tests), full suite:
//   fast     12/22 = 54.5%
//   deep     17/22 = 77.3%
//   cascade  18/22 = 81.8%
// The first four tasks (easy, escalation, abort, fast-wrong) are the test's subset:
//   fast 1/4 = 25%, deep 3/4 = 75%, cascade 2/4 = 50%.
// `expectedOutcome()` derives these from the replies and the modes' limits; the orchestrator
// test checks that the derivation agrees with the numbers written here.
import { planEdit } from "../../orchestrator/src/edits/plan.ts";
import { MODEL_FOR_TIER, TIERS, type Tier } from "../../orchestrator/src/core/types.ts";
import { reply, startModelServer, type ModelServer } from "../../orchestrator/testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../orchestrator/testing/replies.ts";
import { modeLimits, MODES, type Mode } from "./modes.ts";
import type { BenchTask } from "./suite.ts";

export type Profile = "easy" | "retry" | "escalation" | "fast-wrong" | "abort" | "reviewer" | "deep-wrong";
export type Effect = "typecheck" | "lint" | "wrong";

export interface Edit {
  file: string;
  find: string;
  replace: string;
}

export interface Variant {
  effect: Effect;
  /** Applied to the solution; each `find` must occur exactly once. */
  edits: Edit[];
}

export interface Recording {
  profile: Profile;
  /** Written by hand: does the hidden test pass in each mode. Checked against expectedOutcome(). */
  expect: Record<Mode, boolean>;
  replies: Record<Tier, string[]>;
  variants?: Record<string, Variant>;
  /** The prose of a noDiff reply. */
  noDiff?: string;
}

/**
 * Simulated model latency per tier, before the reply is sent: the 14B deep model is about three
 * times slower than the 7B fast and reviewer models. Small enough to keep the test quick, large
 * enough to stand out above the HTTP and CLI overhead in "model s".
 */
export const TIER_DELAY_MS: Record<Tier, number> = { fast: 100, deep: 300, reviewer: 100 };

export const EXPECTED_PASS: Record<Mode, number> = { fast: 12, deep: 17, cascade: 18 };
export const EXPECTED_SUBSET = { tasks: 4, pass: { fast: 1, deep: 3, cascade: 2 } as Record<Mode, number> };

const ALL = { fast: true, deep: true, cascade: true };
const same = (...kinds: string[]): Record<Tier, string[]> => ({ fast: kinds, deep: kinds, reviewer: kinds });

export const RECORDINGS: Record<string, Recording> = {
  "01-badge": { profile: "easy", expect: ALL, replies: same("solution") },

  "02-pagination-bug": {
    profile: "escalation",
    expect: { fast: false, deep: true, cascade: true },
    // In fast mode the fast model then gives up ("no change is needed") until the attempts run out.
    replies: { fast: ["toFixed", "returnNull", "noDiff"], deep: ["solution"], reviewer: ["solution"] },
    noDiff: "After the last change `pageCount` rounds up and `pageSlice` returns the right items, so the file needs no further change.",
    variants: {
      toFixed: {
        effect: "typecheck",
        edits: [{ file: "src/utils/pagination.ts", find: "return Math.ceil(totalItems / pageSize)", replace: "return Math.ceil(totalItems / pageSize).toFixed(0)" }],
      },
      returnNull: {
        effect: "typecheck",
        edits: [{ file: "src/utils/pagination.ts", find: "if (page < 1) return []", replace: "if (page < 1) return null" }],
      },
    },
  },

  "03-roman-bug": {
    profile: "abort",
    expect: { fast: false, deep: false, cascade: false },
    // Neither the fast nor the deep model sees the bug; the reviewer's rewrite does not typecheck.
    replies: { fast: ["noDiff"], deep: ["noDiff"], reviewer: ["stringInput"] },
    noDiff:
      "I went through `toRoman`: the greedy loop over `NUMERALS` always subtracts the largest value that fits, so every number gets a valid numeral. No change is needed.",
    variants: {
      stringInput: {
        effect: "typecheck",
        edits: [{ file: "src/utils/roman.ts", find: "export function toRoman(value: number): string {", replace: "export function toRoman(value: number | string): string {" }],
      },
    },
  },

  "04-slugify": {
    profile: "fast-wrong",
    expect: { fast: false, deep: true, cascade: false },
    replies: { fast: ["noAccents"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      noAccents: {
        effect: "wrong",
        edits: [{ file: "src/utils/slugify.ts", find: String.raw`    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
`, replace: "" }],
      },
    },
  },

  "05-avatar": { profile: "easy", expect: ALL, replies: same("solution") },
  "06-clamp": { profile: "easy", expect: ALL, replies: same("solution") },

  "07-format-bytes": {
    profile: "retry",
    expect: ALL,
    replies: { fast: ["atUndefined", "solution"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      atUndefined: {
        effect: "typecheck",
        edits: [{ file: "src/utils/formatBytes.ts", find: "${UNITS[unit]}", replace: "${UNITS.at(unit).toUpperCase()}" }],
      },
    },
  },

  "08-progress-bar": {
    profile: "escalation",
    expect: { fast: false, deep: true, cascade: true },
    replies: { fast: ["stringAria", "stringStyle", "noClamp"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      stringAria: {
        effect: "typecheck",
        edits: [{ file: "src/components/ProgressBar.tsx", find: "aria-valuenow={percent}", replace: "aria-valuenow={percent.toFixed(0)}" }],
      },
      stringStyle: {
        effect: "typecheck",
        edits: [{ file: "src/components/ProgressBar.tsx", find: "style={{ width: `${percent}%` }}", replace: "style={`width: ${percent}%`}" }],
      },
      noClamp: {
        effect: "wrong",
        edits: [
          {
            file: "src/components/ProgressBar.tsx",
            find: "Math.min(100, Math.max(0, Math.round((value / max) * 100)))",
            replace: "Math.round((value / max) * 100)",
          },
        ],
      },
    },
  },

  "09-chunk": {
    profile: "easy",
    expect: ALL,
    // The deep model reaches for `any` first; ESLint sends it back once.
    replies: { fast: ["solution"], deep: ["anyArray", "solution"], reviewer: ["solution"] },
    variants: {
      anyArray: { effect: "lint", edits: [{ file: "src/utils/chunk.ts", find: "const out: T[][] = []", replace: "const out: any[] = []" }] },
    },
  },

  "10-median-bug": {
    profile: "retry",
    expect: ALL,
    replies: { fast: ["booleanCompare", "solution"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      booleanCompare: {
        effect: "typecheck",
        edits: [{ file: "src/utils/stats.ts", find: ".sort((a, b) => a - b)", replace: ".sort((a, b) => a > b)" }],
      },
    },
  },

  "11-tag-list": { profile: "easy", expect: ALL, replies: same("solution") },

  "12-truncate": {
    profile: "fast-wrong",
    expect: { fast: false, deep: true, cascade: false },
    replies: { fast: ["threeDots"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      threeDots: {
        effect: "wrong",
        edits: [{ file: "src/utils/truncate.ts", find: "text.slice(0, maxLength - 1).trimEnd()}…`", replace: "text.slice(0, maxLength).trimEnd()}...`" }],
      },
    },
  },

  "13-pluralize": { profile: "easy", expect: ALL, replies: same("solution") },

  "14-alert": {
    profile: "escalation",
    expect: { fast: false, deep: true, cascade: true },
    replies: { fast: ["globalJsx", "valueImport"], deep: ["solution:whole"], reviewer: ["solution"] },
    variants: {
      globalJsx: {
        effect: "typecheck",
        edits: [
          { file: "src/components/Alert.tsx", find: "import type { ReactNode } from 'react'\n\n", replace: "" },
          { file: "src/components/Alert.tsx", find: "children?: ReactNode", replace: "children?: JSX.Element" },
        ],
      },
      valueImport: {
        effect: "typecheck",
        edits: [{ file: "src/components/Alert.tsx", find: "import type { ReactNode } from 'react'", replace: "import { ReactNode } from 'react'" }],
      },
    },
  },

  "15-group-by": { profile: "easy", expect: ALL, replies: same("solution") },

  "16-query-string": {
    profile: "reviewer",
    expect: { fast: false, deep: false, cascade: true },
    replies: { fast: ["pushOnString", "narrowRecord"], deep: ["anyRecord", "undefinedPart"], reviewer: ["solution:whole"] },
    variants: {
      pushOnString: {
        effect: "typecheck",
        edits: [
          {
            file: "src/utils/parseQuery.ts",
            find: "    else if (Array.isArray(existing)) existing.push(value)\n    else result[key] = [existing, value]\n",
            replace: "    else existing.push(value)\n",
          },
        ],
      },
      narrowRecord: {
        effect: "typecheck",
        edits: [
          { file: "src/utils/parseQuery.ts", find: "const result: Record<string, string | string[]> = {}", replace: "const result: Record<string, string> = {}" },
        ],
      },
      anyRecord: {
        effect: "lint",
        edits: [
          { file: "src/utils/parseQuery.ts", find: "const result: Record<string, string | string[]> = {}", replace: "const result: Record<string, any> = {}" },
        ],
      },
      undefinedPart: {
        effect: "typecheck",
        edits: [{ file: "src/utils/parseQuery.ts", find: "function decode(part: string): string {", replace: "function decode(part: string | undefined): string {" }],
      },
    },
  },

  "17-price-bug": {
    profile: "escalation",
    expect: { fast: false, deep: true, cascade: true },
    replies: { fast: ["padNumber", "replaceOnNumber", "noGrouping"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      padNumber: {
        effect: "typecheck",
        edits: [{ file: "src/utils/price.ts", find: "String(rest).padStart(2, '0')", replace: "String(rest).padStart(2, 0)" }],
      },
      replaceOnNumber: {
        effect: "typecheck",
        edits: [{ file: "src/utils/price.ts", find: "const grouped = String(whole).replace(", replace: "const grouped = whole.replace(" }],
      },
      noGrouping: {
        effect: "wrong",
        edits: [
          {
            file: "src/utils/price.ts",
            find: String.raw`const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',')`,
            replace: "const grouped = String(whole)",
          },
        ],
      },
    },
  },

  "18-empty-state": { profile: "easy", expect: ALL, replies: same("solution") },

  "19-camel-case": {
    profile: "deep-wrong",
    expect: { fast: true, deep: false, cascade: true },
    replies: { fast: ["solution"], deep: ["lowerRest"], reviewer: ["solution"] },
    variants: {
      lowerRest: {
        effect: "wrong",
        edits: [
          {
            file: "src/utils/camelCase.ts",
            find: "word.charAt(0).toUpperCase() + word.slice(1)",
            replace: "word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()",
          },
        ],
      },
    },
  },

  "20-sort-by-bug": {
    profile: "reviewer",
    expect: { fast: false, deep: false, cascade: true },
    replies: { fast: ["subtractKeys", "sortReadonly"], deep: ["stringKey", "anyKey"], reviewer: ["solution:whole"] },
    variants: {
      subtractKeys: {
        effect: "typecheck",
        edits: [
          {
            file: "src/utils/sortBy.ts",
            find: "    const x = a[key]\n    const y = b[key]\n    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1\n    if (x < y) return -sign\n    if (x > y) return sign\n    return 0\n",
            replace: "    return sign * (a[key] - b[key])\n",
          },
        ],
      },
      sortReadonly: {
        effect: "typecheck",
        edits: [{ file: "src/utils/sortBy.ts", find: "return [...items].sort(", replace: "return items.sort(" }],
      },
      stringKey: {
        effect: "typecheck",
        edits: [{ file: "src/utils/sortBy.ts", find: "key: keyof T,", replace: "key: string," }],
      },
      anyKey: { effect: "lint", edits: [{ file: "src/utils/sortBy.ts", find: "const x = a[key]", replace: "const x: any = a[key]" }] },
    },
  },

  "21-rating": {
    profile: "abort",
    expect: { fast: false, deep: false, cascade: false },
    replies: { fast: ["numberLabel", "booleanAsNumber"], deep: ["booleanArithmetic", "anyFull"], reviewer: ["numberLabel"] },
    variants: {
      numberLabel: {
        effect: "typecheck",
        edits: [{ file: "src/components/Rating.tsx", find: "aria-label={`${rounded} out of ${max}`}", replace: "aria-label={rounded}" }],
      },
      booleanAsNumber: {
        effect: "typecheck",
        edits: [{ file: "src/components/Rating.tsx", find: "const half = rounded - full === 0.5", replace: "const half: number = rounded - full === 0.5" }],
      },
      booleanArithmetic: {
        effect: "typecheck",
        edits: [{ file: "src/components/Rating.tsx", find: "const empty = max - full - (half ? 1 : 0)", replace: "const empty = max - full - half" }],
      },
      anyFull: {
        effect: "lint",
        edits: [{ file: "src/components/Rating.tsx", find: "const full = Math.floor(rounded)", replace: "const full: any = Math.floor(rounded)" }],
      },
    },
  },

  "22-cart-summary-bug": {
    profile: "retry",
    expect: ALL,
    replies: { fast: ["reduceNoInit", "solution"], deep: ["solution"], reviewer: ["solution"] },
    variants: {
      reduceNoInit: {
        effect: "typecheck",
        edits: [
          {
            file: "src/components/CartSummary.tsx",
            find: "lines.reduce((sum, line) => sum + line.price * line.quantity, 0)",
            replace: "lines.reduce((sum, line) => sum + line.price * line.quantity)",
          },
        ],
      },
    },
  },
};

const DEFAULT_NO_DIFF = "I looked at the code and it already does what the task asks, so no change is needed.";

export function recordingFor(task: BenchTask): Recording {
  const rec = RECORDINGS[task.id];
  if (!rec) throw new Error(`no recorded replies for task ${task.id} (bench/cascade/recorded.ts)`);
  return rec;
}

/** The reply kind a tier gives at its n-th call (1-based); the last entry repeats. */
export function kindAt(rec: Recording, tier: Tier, n: number): string {
  const list = rec.replies[tier];
  if (list.length === 0) throw new Error(`no replies for tier ${tier}`);
  return list[Math.min(n, list.length) - 1]!;
}

function splitKind(kind: string): { name: string; whole: boolean } {
  const [name, format] = kind.split(":");
  return { name: name!, whole: format === "whole" };
}

export type KindOutcome = "pass" | "rejected" | Effect;

export function kindOutcome(rec: Recording, kind: string): KindOutcome {
  const { name } = splitKind(kind);
  if (name === "solution") return "pass";
  if (name === "noDiff") return "rejected";
  const v = rec.variants?.[name];
  if (!v) throw new Error(`unknown reply kind "${name}"`);
  return v.effect;
}

/** The owned files as they are before the run: setup content, or null for a new file. */
export function beforeFiles(task: BenchTask): Map<string, string | null> {
  return new Map(task.filesOwned.map((f) => [f, task.setup.get(f) ?? null]));
}

/** The owned files a reply kind should leave (null for noDiff, which changes nothing). */
export function filesForKind(task: BenchTask, kind: string): Map<string, string> | null {
  const rec = recordingFor(task);
  const { name } = splitKind(kind);
  if (name === "noDiff") return null;
  const files = new Map(task.solution);
  if (name === "solution") return files;
  const variant = rec.variants?.[name];
  if (!variant) throw new Error(`${task.id}: unknown reply kind "${name}"`);
  for (const edit of variant.edits) {
    const text = files.get(edit.file);
    if (text === undefined) throw new Error(`${task.id}/${name}: ${edit.file} is not in the solution`);
    const at = text.indexOf(edit.find);
    if (at < 0 || text.indexOf(edit.find, at + 1) >= 0) {
      throw new Error(`${task.id}/${name}: the text to replace must occur exactly once in ${edit.file}: ${JSON.stringify(edit.find)}`);
    }
    files.set(edit.file, text.slice(0, at) + edit.replace + text.slice(at + edit.find.length));
  }
  return files;
}

/** The reply text for a kind, the way a small model writes it: prose around a fenced edit. */
export function renderReply(task: BenchTask, kind: string): string {
  const rec = recordingFor(task);
  const { whole } = splitKind(kind);
  const after = filesForKind(task, kind);
  if (after === null) return rec.noDiff ?? DEFAULT_NO_DIFF;
  const before = beforeFiles(task);
  const changed = [...after].filter(([file, content]) => before.get(file) !== content);
  if (whole) {
    const blocks = changed.map(([file, content]) => `\`${file}\`\n\`\`\`${file.endsWith(".tsx") ? "tsx" : "ts"}\n${content}\`\`\``);
    return `Here is the complete updated file.\n\n${blocks.join("\n\n")}\n`;
  }
  return diffReply(...changed.map(([file, content]) => unifiedDiff(file, before.get(file) ?? null, content)));
}

/** Every reply kind a task's recording uses. */
export function kindsUsed(rec: Recording): string[] {
  return [...new Set(TIERS.flatMap((t) => rec.replies[t]))];
}

export interface ExpectedOutcome {
  /** Hidden test passes. */
  pass: boolean;
  /** The CLI reports the task complete (verification passed). */
  complete: boolean;
  attempts: number;
  attemptsByTier: Record<Tier, number>;
  finalTier: Tier;
}

/** Plays a recording through a mode's escalation rules, as smol-coder's policy would. */
export function expectedOutcome(rec: Recording, mode: Mode): ExpectedOutcome {
  const limits = modeLimits(mode);
  const byTier: Record<Tier, number> = { fast: 0, deep: 0, reviewer: 0 };
  let tier: Tier = limits.start;
  for (let attempts = 1; ; attempts++) {
    byTier[tier]++;
    const outcome = kindOutcome(rec, kindAt(rec, tier, byTier[tier]));
    if (outcome === "pass" || outcome === "wrong") {
      return { pass: outcome === "pass", complete: true, attempts, attemptsByTier: byTier, finalTier: tier };
    }
    const done = { pass: false, complete: false, attempts, attemptsByTier: byTier, finalTier: tier };
    if (attempts >= limits.maxTotalAttempts) return done;
    if (byTier[tier] >= limits.attemptsPerTier) {
      const next = TIERS[TIERS.indexOf(tier) + 1];
      if (!next) return done;
      tier = next;
    }
  }
}

export interface RecordingProblem {
  task: string;
  problem: string;
}

/**
 * Cheap, in-process checks of the recordings: every task has one, the hand-written expectations
 * match expectedOutcome(), and smol-coder's edit applier turns each reply into exactly the files
 * intended (or refuses a noDiff reply).
 */
export async function checkRecordings(tasks: readonly BenchTask[]): Promise<RecordingProblem[]> {
  const problems: RecordingProblem[] = [];
  for (const task of tasks) {
    const rec = RECORDINGS[task.id];
    if (!rec) {
      problems.push({ task: task.id, problem: "no recording" });
      continue;
    }
    try {
      for (const mode of MODES) {
        const got = expectedOutcome(rec, mode).pass;
        if (got !== rec.expect[mode]) problems.push({ task: task.id, problem: `${mode}: expect says ${rec.expect[mode]}, the replies give ${got}` });
      }
      for (const kind of kindsUsed(rec)) {
        const text = renderReply(task, kind);
        const plan = await planEdit({ reply: text, current: beforeFiles(task), filesOwned: task.filesOwned, maxLines: 300 });
        const want = filesForKind(task, kind);
        if (want === null) {
          if (plan.ok) problems.push({ task: task.id, problem: `${kind}: meant to be refused, but it applies` });
          continue;
        }
        if (!plan.ok) {
          problems.push({ task: task.id, problem: `${kind}: refused (${plan.reason}): ${plan.detail}` });
          continue;
        }
        for (const change of plan.changes) {
          if (change.after !== (want.get(change.path) ?? null)) problems.push({ task: task.id, problem: `${kind}: ${change.path} differs from the intended file` });
        }
      }
    } catch (err) {
      problems.push({ task: task.id, problem: (err as Error).message });
    }
  }
  return problems;
}

export interface RecordedServer {
  url: string;
  server: ModelServer;
  /** The API key a mode's CLI runs use: the server tells the modes apart by it. */
  apiKey(mode: Mode): string;
  /** Requests no recording matched (a harness bug; the run fails when there are any). */
  unmatched: string[];
  stop(): Promise<void>;
}

const TIER_FOR_MODEL = new Map<string, Tier>(TIERS.map((t) => [MODEL_FOR_TIER[t], t]));

/**
 * Starts the scripted server with the recordings of `tasks`. Each request is matched to its
 * task by the description in the prompt, to its mode by the API key, and to its tier by the
 * model name; the answer is the kind at that (mode, task, tier)'s call count.
 */
export async function startRecordedServer(tasks: readonly BenchTask[]): Promise<RecordedServer> {
  const server = await startModelServer();
  const calls = new Map<string, number>();
  const unmatched: string[] = [];
  // Longest description first, so a description that contains another still finds its own task.
  const byDescription = [...tasks].sort((a, b) => b.description.length - a.description.length);
  server.onRequest((req) => {
    const mode = /^Bearer recorded-(\w+)$/.exec(req.headers.authorization ?? "")?.[1] as Mode | undefined;
    const tier = TIER_FOR_MODEL.get(req.model);
    const prompt = req.messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
    const task = byDescription.find((t) => prompt.includes(`## Task\n${t.description}`));
    if (!mode || !(MODES as readonly string[]).includes(mode) || !tier || !task) {
      const why = `mode=${mode ?? "?"} model=${req.model} task=${task?.id ?? "not found in the prompt"}`;
      unmatched.push(why);
      return reply.error(400, `no recorded reply (${why})`);
    }
    const key = `${mode}|${task.id}|${tier}`;
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return reply.text(renderReply(task, kindAt(recordingFor(task), tier, n))).delay(TIER_DELAY_MS[tier]);
  });
  return {
    url: server.url,
    server,
    apiKey: (mode) => `recorded-${mode}`,
    unmatched,
    stop: () => server.stop(),
  };
}
