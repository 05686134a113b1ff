// What the recorded replies (recordings.ts) do: the reply text of each kind, the files it should
// leave, and the outcome a mode's escalation rules give a recording, known before any run.
import { TIERS, type Tier } from "../../orchestrator/src/core/types.ts";
import { planEdit } from "../../orchestrator/src/edits/plan.ts";
import { diffReply, unifiedDiff } from "../../orchestrator/testing/replies.ts";
import { modeLimits, MODES, type Mode } from "./modes.ts";
import { PROFILE_EXPECT, RECORDINGS, type ContextSetting, type Effect, type Recording } from "./recordings.ts";
import type { BenchTask } from "./suite.ts";

const DEFAULT_NO_DIFF = "I looked at the code and it already does what the task asks, so no change is needed.";

export function recordingFor(task: BenchTask): Recording {
  const rec = RECORDINGS[task.id];
  if (!rec) throw new Error(`no recorded replies for task ${task.id} (bench/cascade/recordings.ts)`);
  return rec;
}

/** The replies when the model sees what it needs (`shown`), or, for a context task, when it does not. */
function repliesOf(rec: Recording, shown: boolean): Record<Tier, string[]> {
  return shown || !rec.withoutContext ? rec.replies : rec.withoutContext.replies;
}

/** The reply kind a tier gives at its n-th call (1-based); the last entry repeats. */
export function kindAt(rec: Recording, tier: Tier, n: number, shown = true): string {
  const list = repliesOf(rec, shown)[tier];
  if (list.length === 0) throw new Error(`no replies for tier ${tier}`);
  return list[Math.min(n, list.length) - 1]!;
}

function splitKind(kind: string): { name: string; whole: boolean } {
  const [name, format] = kind.split(":");
  return { name: name!, whole: format === "whole" };
}

type KindOutcome = "pass" | "rejected" | Effect;

function kindOutcome(rec: Recording, kind: string): KindOutcome {
  const { name } = splitKind(kind);
  if (name === "solution") return "pass";
  if (name === "noDiff") return "rejected";
  const v = rec.variants?.[name];
  if (!v) throw new Error(`unknown reply kind "${name}"`);
  return v[0];
}

/** The owned files as they are before the run: setup content, or null for a new file. */
function beforeFiles(task: BenchTask): Map<string, string | null> {
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
  const [, ...pairs] = variant;
  const file = rec.file ?? "";
  for (let i = 0; i < pairs.length; i += 2) {
    const [find, replace] = [pairs[i]!, pairs[i + 1] ?? ""];
    const text = files.get(file);
    if (text === undefined) throw new Error(`${task.id}/${name}: ${file} is not in the solution`);
    const at = text.indexOf(find);
    if (at < 0 || text.indexOf(find, at + 1) >= 0) {
      throw new Error(`${task.id}/${name}: the text to replace must occur exactly once in ${file}: ${JSON.stringify(find)}`);
    }
    files.set(file, text.slice(0, at) + replace + text.slice(at + find.length));
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

/** Every reply kind a task's recording uses, with the context and without it. */
export function kindsUsed(rec: Recording): string[] {
  return [...new Set([true, false].flatMap((shown) => TIERS.flatMap((t) => repliesOf(rec, shown)[t])))];
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
export function expectedOutcome(rec: Recording, mode: Mode, context: ContextSetting = "on"): ExpectedOutcome {
  const shown = context === "on";
  const limits = modeLimits(mode);
  const byTier: Record<Tier, number> = { fast: 0, deep: 0, reviewer: 0 };
  let tier: Tier = limits.start;
  for (let attempts = 1; ; attempts++) {
    byTier[tier]++;
    const outcome = kindOutcome(rec, kindAt(rec, tier, byTier[tier], shown));
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

/** Reports the problems of one task's recording: see checkRecordings. */
async function checkRecording(task: BenchTask, rec: Recording, report: (problem: string) => void): Promise<void> {
  for (const mode of MODES) {
    const got = expectedOutcome(rec, mode).pass;
    const want = PROFILE_EXPECT[rec.profile][mode];
    if (got !== want) report(`${mode}: the ${rec.profile} profile says ${want}, the replies give ${got}`);
    if (!rec.withoutContext) continue;
    const blind = expectedOutcome(rec, mode, "off").pass;
    const wantBlind = PROFILE_EXPECT[rec.withoutContext.profile][mode];
    if (blind !== wantBlind) report(`${mode} without the context: the ${rec.withoutContext.profile} profile says ${wantBlind}, the replies give ${blind}`);
  }
  for (const kind of kindsUsed(rec)) {
    const text = renderReply(task, kind);
    const plan = await planEdit({ reply: text, current: beforeFiles(task), filesOwned: task.filesOwned, maxLines: 300 });
    const want = filesForKind(task, kind);
    if (want === null) {
      if (plan.ok) report(`${kind}: meant to be refused, but it applies`);
      continue;
    }
    if (!plan.ok) {
      report(`${kind}: refused (${plan.reason}): ${plan.detail}`);
      continue;
    }
    for (const change of plan.changes) {
      if (change.after !== (want.get(change.path) ?? null)) report(`${kind}: ${change.path} differs from the intended file`);
    }
  }
}

/**
 * Cheap, in-process checks of the recordings: every task has one, the hand-written expectations
 * of its profile match expectedOutcome(), and smol-coder's edit applier turns each reply into
 * exactly the files intended (or refuses a noDiff reply).
 */
export async function checkRecordings(tasks: readonly BenchTask[]): Promise<RecordingProblem[]> {
  const problems: RecordingProblem[] = [];
  for (const task of tasks) {
    if (!RECORDINGS[task.id]) {
      problems.push({ task: task.id, problem: "no recording" });
      continue;
    }
    try {
      await checkRecording(task, recordingFor(task), (problem) => problems.push({ task: task.id, problem }));
    } catch (err) {
      problems.push({ task: task.id, problem: (err as Error).message });
    }
  }
  return problems;
}
