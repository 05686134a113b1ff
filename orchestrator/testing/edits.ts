// Small helpers for the edits tests: build a planEdit input from plain objects, and unwrap plans.
import { expect } from "bun:test";
import type { EditPlan, StrictApplier } from "../src/edits/contract.ts";
import { planEdit } from "../src/edits/plan.ts";

export interface PlanArgs {
  reply: string;
  files: Record<string, string | null>;
  owned?: string[];
  /** The task's read-only files (filesRead). */
  read?: string[];
  maxLines?: number;
  applyStrict?: StrictApplier;
  /** The task's description (it decides whether a file may be emptied or deleted). */
  description?: string;
}

export function plan(args: PlanArgs): Promise<EditPlan> {
  return planEdit({
    reply: args.reply,
    current: new Map(Object.entries(args.files)),
    filesOwned: args.owned ?? Object.keys(args.files),
    ...(args.read ? { filesRead: args.read } : {}),
    maxLines: args.maxLines ?? 300,
    ...(args.applyStrict ? { applyStrict: args.applyStrict } : {}),
    ...(args.description !== undefined ? { description: args.description } : {}),
  });
}

export type Ok = Extract<EditPlan, { ok: true }>;
export type Refused = Extract<EditPlan, { ok: false }>;

export function ok(p: EditPlan): Ok {
  if (!p.ok) throw new Error(`expected a plan, got ${p.reason}: ${p.detail}`);
  return p;
}

export function refused(p: EditPlan, reason: Refused["reason"]): Refused {
  if (p.ok) throw new Error(`expected ${reason}, got a ${p.strategy} plan:\n${p.diff}`);
  expect(p.reason).toBe(reason);
  return p;
}

/** The new content of one file in an accepted plan. */
export function after(p: EditPlan, path: string): string | null {
  const c = ok(p).changes.find((x) => x.path === path);
  if (!c) throw new Error(`${path} not changed`);
  return c.after;
}

/** A strict applier that always refuses, to exercise the tolerant path alone. */
export const refuseStrict: StrictApplier = async () => null;

export const fence = (body: string, info = "diff") => `\`\`\`${info}\n${body}\`\`\`\n`;

/** Numbered lines "line 1\n" … "line n\n" — unique, so hunks locate unambiguously. */
export function numbered(n: number, prefix = "line"): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join("");
}

/** A small TypeScript module, and the one-line change most tests make to it. */
export const MATH_SRC = `import { a } from "./a";

export function total(items: number[]): number {
  let sum = 0;
  for (const item of items) {
    sum += item;
  }
  return sum;
}

export function average(items: number[]): number {
  if (items.length === 0) {
    return 0;
  }
  return total(items) / items.length;
}
`;
export const MATH_PATH = "src/math.ts";
export const MATH_WANT = MATH_SRC.replace("if (items.length === 0) {", "if (items.length < 1) {");

/** That change as the clean unified diff `diff -u` would write. */
export const MATH_CLEAN = `--- a/src/math.ts
+++ b/src/math.ts
@@ -9,7 +9,7 @@
 }
 
 export function average(items: number[]): number {
-  if (items.length === 0) {
+  if (items.length < 1) {
     return 0;
   }
   return total(items) / items.length;
`;
