// Caches the baseline verification run per workspace state. The checks before the first
// attempt cost as much as an attempt's; when nothing in the workspace changed since the last
// run (same file contents, same commands: fingerprint.ts) their result cannot have changed either.
//
// It is a cache in the state folder: an entry that cannot be read, is not JSON or is not the
// shape of a run is a miss, and a folder that cannot be written only costs the run it would save.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { fingerprint } from "./fingerprint.ts";
import type { CheckPlan } from "./plan.ts";
import type { VerifyRun } from "./run.ts";

export interface BaselineCache {
  key(root: string, plan: CheckPlan): Promise<string>;
  get(key: string): Promise<VerifyRun | null>;
  put(key: string, run: VerifyRun): Promise<void>;
}

const DiagnosticSchema = z
  .object({
    tool: z.enum(["tsc", "eslint", "oxlint", "vite", "unknown"]),
    file: z.string().nullable(),
    line: z.number().nullable(),
    col: z.number().nullable(),
    code: z.string().nullable(),
    message: z.string(),
    severity: z.enum(["error", "warning"]),
    raw: z.string(),
  })
  .strict();

const VerifyRunSchema = z
  .object({
    ok: z.boolean(),
    checks: z.array(
      z
        .object({
          name: z.string(),
          ok: z.boolean(),
          reason: z.enum(["exit", "timeout", "aborted", "spawn_error", "skipped"]),
          exitCode: z.number().nullable(),
          durationMs: z.number(),
          diagnostics: z.array(DiagnosticSchema),
          outputTail: z.string(),
        })
        .strict(),
    ),
    durationMs: z.number(),
  })
  .strict();

export function createBaselineCache(dir: string): BaselineCache {
  const file = (key: string) => path.join(dir, `${key}.json`);
  return {
    key: fingerprint,
    async get(key) {
      try {
        const parsed = VerifyRunSchema.safeParse(JSON.parse(await readFile(file(key), "utf8")));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async put(key, run) {
      await mkdir(dir, { recursive: true });
      const tmp = `${file(key)}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify(run));
        await rename(tmp, file(key));
      } catch (error) {
        await rm(tmp, { force: true }).catch(() => {});
        throw error;
      }
    },
  };
}
