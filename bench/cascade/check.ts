// What the orchestrator's test checks about the cascade bench, printed as JSON: the suite, the
// outcome each recording implies in each mode, and the problems of the recordings; with
// --hidden-tests, instead, every hidden test on the untouched workspace and with the solution.
//
//   cd orchestrator && bun ../bench/cascade/check.ts [--hidden-tests]
//
// It prints what it found and exits 0; the test decides what is wrong. Exit 2: bad arguments.
import { checkHiddenTestsTogether } from "./hidden-tests.ts";
import { MODES } from "./modes.ts";
import { cleanUpOnSignals, LiveSet } from "./processes.ts";
import { checkRecordings, expectedOutcome, recordingFor } from "./recorded.ts";
import { TIER_DELAY_MS } from "./recorded-server.ts";
import { EXPECTED_PASS, EXPECTED_SUBSET, RECORDINGS, type ContextSetting } from "./recordings.ts";
import { loadSuite, type BenchTask } from "./suite.ts";

function outcomes(t: BenchTask, context: ContextSetting) {
  return Object.fromEntries(
    MODES.map((m) => {
      const { pass, complete, attempts, attemptsByTier } = expectedOutcome(recordingFor(t), m, context);
      return [m, { pass, complete, attempts, attemptsByTier }];
    }),
  );
}

/** Per task: its files, its profile and what each mode should make of its recording, with the context and without. */
async function suiteFacts(suite: BenchTask[]) {
  return {
    modes: MODES,
    expectedPass: EXPECTED_PASS,
    expectedSubset: EXPECTED_SUBSET,
    /** How long the recorded server holds each tier's reply: the least a call can take. */
    tierDelayMs: TIER_DELAY_MS,
    recordingProblems: await checkRecordings(suite),
    tasks: suite.map((t) => ({
      id: t.id,
      filesOwned: t.filesOwned,
      setupFiles: [...t.setup.keys()],
      profile: RECORDINGS[t.id]?.profile ?? null,
      profileWithoutContext: RECORDINGS[t.id]?.withoutContext?.profile ?? null,
      expected: RECORDINGS[t.id] ? outcomes(t, "on") : null,
      expectedWithoutContext: RECORDINGS[t.id] ? outcomes(t, "off") : null,
    })),
  };
}

/** One workspace and two `bun test` runs for the whole suite (see checkHiddenTestsTogether). */
async function hiddenTestFacts(suite: BenchTask[], live: LiveSet) {
  const checks = await checkHiddenTestsTogether(suite, live);
  return {
    hiddenTests: checks.map((c) => ({ id: c.id, ok: c.ok, untouchedPasses: c.untouched.pass, solvedPasses: c.solved.pass, solvedOutput: c.solved.output })),
  };
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--hidden-tests");
  if (unknown.length > 0) {
    process.stderr.write(`check.ts: unknown argument ${unknown[0]} (usage: check.ts [--hidden-tests])\n`);
    return 2;
  }
  const suite = loadSuite();
  const live = new LiveSet();
  cleanUpOnSignals(live, "cascade check");
  const facts = argv.includes("--hidden-tests") ? await hiddenTestFacts(suite, live) : await suiteFacts(suite);
  process.stdout.write(`${JSON.stringify(facts)}\n`);
  return 0;
}

// exitCode, not exit(): the JSON may be larger than a pipe holds, and must be written out first.
if (import.meta.main) process.exitCode = await main(Bun.argv.slice(2));
