export interface BenchArgs {
  /** Events in the main file (N); the RSS check also ingests N/4. */
  readonly events: number;
  /** End-to-end runs at N. */
  readonly runs: number;
  /** Core CPU runs. */
  readonly coreRuns: number;
  /** Items in the synthetic catalog for the price-refresh timing. */
  readonly refreshItems: number;
  readonly seed: number;
  /** FOCUS rows in the generated export for the import figure. */
  readonly focusRows: number;
  /** Records rolled up and allocated for the allocation figure. */
  readonly allocationRecords: number;
  /** Where results.json goes. */
  readonly out: string | undefined;
}

const USAGE = `usage: node dist/bench/main.js [options]
  --events N          events in the generated file (default 100000); e2e also runs at N/4
  --runs N            end-to-end runs at N (default 3)
  --core-runs N       core CPU runs (default 5)
  --refresh-items N   synthetic Retail Prices items for the refresh timing (default 30000)
  --seed N            generator seed (default 42)
  --focus-rows N      FOCUS export rows for the invoice import figure (default 200000)
  --alloc-records N   records rolled up and allocated for the allocation figure (default 1000000)
  --out PATH          results file (default bench/results.json)`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    if (
      ![
        '--events',
        '--runs',
        '--core-runs',
        '--refresh-items',
        '--seed',
        '--focus-rows',
        '--alloc-records',
        '--out',
      ].includes(name)
    ) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
    values.set(name, value);
  }
  const int = (name: string, fallback: number, min: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${name} must be a whole number >= ${min}, got ${raw}`);
    return n;
  };
  return {
    events: int('--events', 100_000, 100),
    runs: int('--runs', 3, 1),
    coreRuns: int('--core-runs', 5, 1),
    refreshItems: int('--refresh-items', 30_000, 100),
    seed: int('--seed', 42, 0),
    focusRows: int('--focus-rows', 200_000, 100),
    allocationRecords: int('--alloc-records', 1_000_000, 100),
    out: values.get('--out'),
  };
}
