// The swarm bench's command line.
export interface Options {
  delayMs: number;
  sizes: number[];
  /** Runs of each process mode per N (a 48-process run costs ~50 s of 2 cores). */
  runs: number;
  /** Runs of the batch mode per N (cheap). */
  batchRuns: number;
  /** Sizes that also run the "held" mode. */
  heldSizes: number[];
  writeResults: boolean;
}

const DEFAULTS: Options = { delayMs: 400, sizes: [12, 48], runs: 1, batchRuns: 3, heldSizes: [12], writeResults: true };

export function parseArgs(argv: string[]): Options {
  const opts: Options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--delay-ms") opts.delayMs = positiveInt(value(), a);
    else if (a === "--sizes") opts.sizes = value().split(",").map((s) => positiveInt(s.trim(), a));
    else if (a === "--runs") opts.runs = positiveInt(value(), a);
    else if (a === "--batch-runs") opts.batchRuns = positiveInt(value(), a);
    else if (a === "--held-sizes") opts.heldSizes = value().split(",").filter(Boolean).map((x) => positiveInt(x.trim(), a));
    else if (a === "--no-results") opts.writeResults = false;
    else throw new Error(`unknown argument ${a} (use --delay-ms MS, --sizes 12,48, --runs N, --batch-runs N, --held-sizes 12, --no-results)`);
  }
  return opts;
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got ${s}`);
  return n;
}

/** The command that reproduces a run with these options, for the report: the flags that differ from the defaults. */
export function commandLine(opts: Options): string {
  const differs = (a: number | number[], b: number | number[]) => String(a) !== String(b);
  const args = [
    differs(opts.delayMs, DEFAULTS.delayMs) ? `--delay-ms ${opts.delayMs}` : "",
    differs(opts.sizes, DEFAULTS.sizes) ? `--sizes ${opts.sizes.join(",")}` : "",
    differs(opts.runs, DEFAULTS.runs) ? `--runs ${opts.runs}` : "",
    differs(opts.batchRuns, DEFAULTS.batchRuns) ? `--batch-runs ${opts.batchRuns}` : "",
    differs(opts.heldSizes, DEFAULTS.heldSizes) ? `--held-sizes ${opts.heldSizes.join(",")}` : "",
  ].filter(Boolean);
  return `cd orchestrator && bun ../bench/swarm/run.ts${args.length ? ` ${args.join(" ")}` : ""}`;
}
