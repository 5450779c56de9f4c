import { parseArgs } from 'node:util';

/** The parts of the bench that --only can pick, in the order they run. */
export const BENCH_PARTS = [
  'ping',
  'user',
  'revoked',
  'login',
  'signup',
  'refresh',
  'refresh-spread',
  'workers',
  'redis',
  'million',
  'keys',
] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

/** What a part's ratios are computed against, so it runs too. */
const BASELINES: Partial<Record<BenchPart, readonly BenchPart[]>> = {
  workers: ['user'],
  redis: ['login', 'user'],
  million: ['user'],
  keys: ['user'],
};

export const USAGE = `Usage: npm run bench -- [options]

  --quick              1 run x 3 s per scenario (default 3 runs x 10 s); skips the million-row part
  --with-million       with --quick: run the million-row part anyway
  --runs N             runs per scenario
  --duration S         seconds per run
  --bcrypt-rounds N    BCRYPT_ROUNDS of the server under test, 10-15 (default 10)
  --only NAME,...      only these parts (bare Koa always runs, and what a part is compared to):
                       ${BENCH_PARTS.join(', ')}
  --database NAME      the database to create, load and drop (default auth_bench): one per concurrent bench
  --docs               write the results into bench/results/latest.* and docs/reference/benchmarks.md
                       (between its markers); without it a run only prints them
  --help               print this help`;

export interface BenchOptions {
  quick: boolean;
  withMillion: boolean;
  docs: boolean;
  runs: number;
  durationSeconds: number;
  connections: number;
  bcryptRounds: number;
  /** The parts to run: all of BENCH_PARTS unless --only names some. */
  parts: ReadonlySet<BenchPart>;
  /** Created at the start and dropped at the end: never name a database you keep. */
  database: string;
}

export class UsageError extends Error {}

function integerOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}

function isBenchPart(name: string): name is BenchPart {
  return (BENCH_PARTS as readonly string[]).includes(name);
}

function partsOption(value: string | undefined): ReadonlySet<BenchPart> {
  if (value === undefined) return new Set(BENCH_PARTS);
  const parts = new Set<BenchPart>();
  for (const name of value.split(',').map((part) => part.trim())) {
    if (!isBenchPart(name)) throw new UsageError(`--only: unknown part "${name}" (parts: ${BENCH_PARTS.join(', ')})`);
    parts.add(name);
    for (const baseline of BASELINES[name] ?? []) parts.add(baseline);
  }
  return parts;
}

function databaseOption(value: string | undefined): string {
  if (value === undefined) return 'auth_bench';
  // Interpolated into CREATE and DROP DATABASE: a plain identifier only.
  if (!/^[A-Za-z0-9_]{1,64}$/.test(value)) throw new UsageError('--database must be 1-64 letters, digits or _');
  return value;
}

/** Parses the bench's own arguments; null means `--help`. */
export function parseBenchOptions(argv: string[]): BenchOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        'with-million': { type: 'boolean' },
        docs: { type: 'boolean' },
        runs: { type: 'string' },
        duration: { type: 'string' },
        'bcrypt-rounds': { type: 'string' },
        only: { type: 'string' },
        database: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return null;
  const quick = values.quick === true;
  const parts = partsOption(values.only);
  return {
    quick,
    // Named in --only, the million-row part runs even with --quick.
    withMillion: parts.has('million') && (!quick || values['with-million'] === true || values.only !== undefined),
    docs: values.docs === true,
    runs: integerOption('runs', values.runs, quick ? 1 : 3, 1, 20),
    durationSeconds: integerOption('duration', values.duration, quick ? 3 : 10, 1, 120),
    connections: 64,
    // The server refuses fewer than 10 rounds outside NODE_ENV=test.
    bcryptRounds: integerOption('bcrypt-rounds', values['bcrypt-rounds'], 10, 10, 15),
    parts,
    database: databaseOption(values.database),
  };
}
