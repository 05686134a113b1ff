// --commit inside the task loop, on a real git repository: the commit is the attempt's last
// check, made under the workspace lock. A hook that refuses the change fails the attempt and its
// output is the next prompt's feedback; an interrupted or dry-run task commits nothing.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import { createMemoryModel, memoryReply } from "../../testing/memory-model.ts";
import { commitsSince, git, installHook, statusLines } from "../../testing/git.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { eventsNamed, runLoop, theEvent } from "../../testing/task-loop.ts";

const CARD = "src/card.ts";
const task = { description: "Add the card constant\n\nIt must be typed as a number.", filesOwned: [CARD] };
const refusesAny = `if git show :${CARD} | grep -q any; then echo "${CARD}(1,17): error TS9999: the pre-commit hook refuses 'any'"; exit 1; fi\n`;

describe("a commit per passing attempt", () => {
  test("a pre-commit hook that refuses the change fails the attempt; its output is the next prompt's feedback", async () => {
    const model = createMemoryModel();
    model.enqueue(
      "fast-coder",
      memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x: any = 1\n"))),
      memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x: number = 1\n"))),
    );
    let base = "";
    await using run = await runLoop({
      task,
      model,
      commit: true,
      setup: async (ws) => {
        await installHook(ws.dir, "pre-commit", refusesAny);
        base = git(ws.dir, "rev-parse", "HEAD").trim();
      },
    });

    expect(run.outcome).toMatchObject({ status: "complete", attempts: 2 });
    const fail = theEvent(run.events, "verification_fail");
    expect(fail.failedChecks).toEqual(["commit"]);
    expect(fail.errors[0]).toContain("git commit refused the change");
    expect(fail.errors).toContain(`${CARD}(1,17): error TS9999: the pre-commit hook refuses 'any'`);
    // The refused attempt was undone, and the second prompt shows the hook's words with the code they point at.
    const second = run.model.prompt(1);
    expect(second).toContain("the pre-commit hook refuses 'any'");
    expect(second).toMatch(/> 1 \| export const x: any = 1/);

    const commits = commitsSince(run.ws.dir, base);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.files).toEqual([CARD]);
    expect(commits[0]!.subject).toBe("Add the card constant");
    expect(commits[0]!.body).toContain("It must be typed as a number.");
    expect(commits[0]!.trailers).toMatchObject({ "Smol-Task-Id": "loop-task", "Smol-Final-Tier": "fast", "Smol-Attempts": "2" });
    expect(Number(commits[0]!.trailers["Smol-Tokens"])).toBe(run.outcome.tokens.total);
    expect(run.outcome.status === "complete" && run.outcome.commit).toEqual({ sha: commits[0]!.sha, branch: "main" });
    expect(theEvent(run.events, "commit_created")).toMatchObject({ sha: commits[0]!.sha, branch: "main", files: [CARD] });
    expect(statusLines(run.ws.dir)).toEqual([]);
  });

  test("git that cannot sign (commit.gpgsign, no usable key) ends the task as a workspace problem: no model blamed, nothing left", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x: number = 1\n"))));
    let base = "";
    await using run = await runLoop({
      task,
      model,
      commit: true,
      setup: async (ws) => {
        git(ws.dir, "config", "commit.gpgsign", "true");
        git(ws.dir, "config", "gpg.program", "false"); // a gpg that fails, as one without a key does
        base = git(ws.dir, "rev-parse", "HEAD").trim();
      },
    });
    expect(run.outcome).toMatchObject({ status: "workspace_error", file: "git commit", attempts: 1 });
    expect(run.outcome.status === "workspace_error" && run.outcome.message).toContain("git cannot sign the commit (error: gpg failed to sign the data)");
    expect(run.model.requests).toHaveLength(1);
    expect(eventsNamed(run.events, "verification_fail")).toEqual([]);
    expect(commitsSince(run.ws.dir, base)).toEqual([]);
    expect(existsSync(path.join(run.ws.dir, CARD))).toBe(false);
    expect(statusLines(run.ws.dir)).toEqual([]);
  });

  test("a refused commit of a new file leaves nothing in the index once the attempt is undone", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x: any = 1\n"))));
    await using run = await runLoop({
      task,
      model,
      commit: true,
      limits: { attemptsPerTier: 1, maxTotalAttempts: 1 },
      setup: (ws) => installHook(ws.dir, "pre-commit", refusesAny),
    });
    expect(run.outcome.status).toBe("aborted");
    expect(await run.ws.read(CARD)).toBeNull();
    expect(statusLines(run.ws.dir)).toEqual([]);
    expect(git(run.ws.dir, "log", "--format=%s").trim()).toBe("initial");
  });

  test("a task run with --no-checks says so in its commit", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x = 1\n"))));
    await using run = await runLoop({ task, model, commit: true, noChecks: true });
    expect(run.outcome).toMatchObject({ status: "complete", verified: false });
    const head = commitsSince(run.ws.dir, "HEAD~1")[0]!;
    expect(head.trailers["Smol-Verified"]).toBe("false");
  });
});

describe("nothing is committed", () => {
  test("for a dry run", async () => {
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x = 1\n"))));
    await using run = await runLoop({ task, model, commit: true, options: { dryRun: true } });
    expect(run.outcome.status).toBe("complete");
    expect(git(run.ws.dir, "log", "--format=%s").trim()).toBe("initial");
    expect(statusLines(run.ws.dir)).toEqual([]);
  });

  test("for a task interrupted while its checks run", async () => {
    const controller = new AbortController();
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x = 1\n"))));
    await using run = await runLoop({
      task,
      model,
      commit: true,
      deps: { signal: controller.signal },
      scripts: {
        typecheck: async (ctx) => {
          if (ctx.runs === 0) return { exitCode: 0 };
          controller.abort();
          return { reason: "aborted" };
        },
      },
    });
    expect(run.outcome.status).toBe("interrupted");
    expect(git(run.ws.dir, "log", "--format=%s").trim()).toBe("initial");
    expect(statusLines(run.ws.dir)).toEqual([]);
  });

  test("for a task interrupted while a hook runs: the commit is stopped and the edit undone", async () => {
    const controller = new AbortController();
    const model = createMemoryModel();
    model.enqueue("fast-coder", memoryReply.text(diffReply(unifiedDiff(CARD, null, "export const x = 1\n"))));
    let marker = "";
    let finished = false;
    const stopOnceHookRuns = async () => {
      // The hook announces itself by creating the marker file; then the user presses Ctrl-C.
      while (!existsSync(marker) && !finished) await Bun.sleep(10);
      controller.abort();
    };
    await using run = await runLoop({
      task,
      model,
      commit: true,
      deps: { signal: controller.signal },
      setup: async (ws) => {
        marker = path.join(ws.dir, "..", `${path.basename(ws.dir)}-hook-started`);
        await installHook(ws.dir, "pre-commit", `touch '${marker}'\nsleep 30\n`);
        void stopOnceHookRuns();
      },
    });
    finished = true;
    expect(existsSync(marker)).toBe(true);
    expect(run.outcome.status).toBe("interrupted");
    expect(await run.ws.read(CARD)).toBeNull();
    expect(git(run.ws.dir, "log", "--format=%s").trim()).toBe("initial");
    expect(statusLines(run.ws.dir)).toEqual([]);
    expect(existsSync(path.join(run.ws.dir, ".git", "index.lock"))).toBe(false);
    await Bun.file(marker).delete();
  }, 20_000);
});
