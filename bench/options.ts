import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench -- [options]

  --quick              1 run x 3 s per scenario (default 3 runs x 10 s); skips the million-row part
  --with-million       with --quick: run the million-row part anyway
  --runs N             runs per scenario
  --duration S         seconds per run
  --bcrypt-rounds N    BCRYPT_ROUNDS of the server under test, 10-15 (default 10)
  --docs               also write the results into docs/reference/benchmarks.md, between its markers
  --help               print this help`;

export interface BenchOptions {
  quick: boolean;
  withMillion: boolean;
  docs: boolean;
  runs: number;
  durationSeconds: number;
  /** Unrecorded load before the runs of a read-only scenario, so the JIT has warmed up. */
  warmupSeconds: number;
  connections: number;
  bcryptRounds: number;
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
  return {
    quick,
    withMillion: !quick || values['with-million'] === true,
    docs: values.docs === true,
    runs: integerOption('runs', values.runs, quick ? 1 : 3, 1, 20),
    durationSeconds: integerOption('duration', values.duration, quick ? 3 : 10, 1, 120),
    warmupSeconds: 1,
    connections: 64,
    // The server refuses fewer than 10 rounds outside NODE_ENV=test.
    bcryptRounds: integerOption('bcrypt-rounds', values['bcrypt-rounds'], 10, 10, 15),
  };
}
