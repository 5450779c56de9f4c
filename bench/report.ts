import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import type { BcryptCeiling } from './bcrypt-ceiling';
import type { ScenarioResult } from './load';
import type { MillionRowsResult } from './million';
import type { BenchOptions } from './options';
import { ROOT } from './processes';
import type { KeysSummary } from './keys';
import type { RedisSummary } from './redis';

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  node: string;
  mysql: string;
  date: string;
  /** 1-minute load average before the bench started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
}

export interface BenchReport {
  command: string;
  machine: MachineFacts;
  options: BenchOptions;
  /** Every measured scenario, bare Koa first; `ratioToBareKoa` is derived from these. */
  scenarios: ScenarioResult[];
  bareKoaRequestsPerSecond: number;
  /** null (as workers, keys and redis) when --only left that part out. */
  bcrypt: (BcryptCeiling & { loginRatio: number; signupRatio: number }) | null;
  workers: { available: false } | { available: true; workers: number; ratioToOneWorker: number } | null;
  keys: KeysSummary | null;
  redis: RedisSummary | null;
  millionRows: (MillionRowsResult & { userRatioToEmptyTable: number; p99WithoutPurgeMs: number }) | null;
  elapsedSeconds: number;
}

const RESULTS = path.join(__dirname, 'results');
const BENCHMARKS_PAGE = path.join(ROOT, 'docs', 'reference', 'benchmarks.md');
const START_MARKER = '<!-- bench:start -->';
const END_MARKER = '<!-- bench:end -->';

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const ratio = (value: number): string =>
  `${value >= 0.1 || !Number.isFinite(value) ? fixed(value, 2) : value.toPrecision(2)}×`;
const perSecond = (value: number): string => fixed(value, value >= 100 ? 0 : 1);

function row(result: ScenarioResult, bareKoa: number): string {
  const unexpected = result.errors > 0 ? `${result.unexpected} (+${result.errors} errors)` : String(result.unexpected);
  const cells = [
    result.name,
    perSecond(result.requestsPerSecond),
    fixed(result.p50Ms, 1),
    fixed(result.p99Ms, 1),
    fixed(result.peakRssBytes / 2 ** 20, 0),
    perSecond(result.cpuMicrosPerResponse),
    unexpected,
    ratio(result.requestsPerSecond / bareKoa),
  ];
  return `| ${cells.join(' | ')} |`;
}

function notes(report: BenchReport): string[] {
  const { bcrypt, workers, keys, redis, millionRows, options } = report;
  const skipped = (part: string): string => `${part}: not run (\`--only\`)`;
  const lines = [
    bcrypt === null
      ? skipped('bcrypt ceiling')
      : `bcrypt ceiling: ${perSecond(bcrypt.comparesPerSecond)} compares/s at cost ${bcrypt.rounds} ` +
        `(${bcrypt.concurrency} in flight, ${bcrypt.threadPoolSize} libuv threads, own process); ` +
        `login reaches ${ratio(bcrypt.loginRatio)} of it, signup ${ratio(bcrypt.signupRatio)} (a hash costs about a compare)`,
    workers === null
      ? skipped('workers')
      : workers.available
        ? `workers: \`--workers ${workers.workers}\` serves \`GET /auth/user\` at ${ratio(workers.ratioToOneWorker)} of one process`
        : 'workers: not available (`app.js --help` does not mention `--workers`)',
    keys === null
      ? skipped('asymmetric keys')
      : `asymmetric keys: \`GET /auth/user\` with RS256 at ${ratio(keys.userRatioToHs256.RS256)} and ES256 at ` +
        `${ratio(keys.userRatioToHs256.ES256)} of HS256 (verification results cached per token); clients/verify ` +
        `verify() ${perSecond(keys.verifierPerSecond.RS256)}/s (RS256) and ${perSecond(keys.verifierPerSecond.ES256)}/s ` +
        '(ES256) in the bench process, the signature checked on every call',
    redis === null
      ? skipped('Redis')
      : redis.available
        ? `Redis (REDIS_URL=redis://127.0.0.1:6379): login with the Redis limiter at ${ratio(redis.loginRatioToMysqlLimiter)} ` +
          `of login with the MySQL limiter and ${ratio(redis.loginRatioToBcrypt)} of the bcrypt ceiling; ` +
          `\`GET /auth/user\` on \`--workers ${redis.instances}\` with Redis at ${ratio(redis.userRatioToOneProcess)} of one process without`
        : 'Redis: skipped (nothing answers at 127.0.0.1:6379)',
  ];
  if (millionRows === null) {
    lines.push(
      options.parts.has('million')
        ? 'million-row part: skipped (`--quick` without `--with-million`)'
        : skipped('million-row part'),
    );
  } else {
    lines.push(
      `1 000 000 live rows in blocked_tokens (filled in ${fixed(millionRows.liveFill.seconds, 1)} s): ` +
        `\`GET /auth/user\` at ${ratio(millionRows.userRatioToEmptyTable)} of the empty-table figure`,
      `purge of 1 000 000 expired rows (\`app.js --purge\`, filled in ${fixed(millionRows.expiredFill.seconds, 1)} s): ` +
        `took ${fixed(millionRows.purgeSeconds, 1)} s; \`GET /auth/user\` p99 during it ` +
        `${fixed(millionRows.duringPurge.p99Ms, 1)} ms vs ${fixed(millionRows.p99WithoutPurgeMs, 1)} ms without`,
    );
  }
  return lines.map((line) => `- ${line}`);
}

/** The results as Markdown: command, machine, table, then the ceilings and ratios. */
export function toMarkdown(report: BenchReport): string {
  const { machine, options } = report;
  const header =
    '| scenario | req/s | p50 ms | p99 ms | peak RSS MiB | server CPU µs/req | unexpected status | × bare Koa |\n' +
    '| --- | --: | --: | --: | --: | --: | --: | --: |';
  return [
    `\`${report.command}\` on ${machine.date}, took ${fixed(report.elapsedSeconds / 60, 1)} min: ` +
      `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, MySQL ${machine.mysql}, ` +
      `load average ${fixed(machine.loadAverageAtStart, 2)} at start; ` +
      `${options.runs} run(s) × ${options.durationSeconds} s per scenario, ${options.connections} connections ` +
      `(autocannon, in the bench process), \`BCRYPT_ROUNDS=${options.bcryptRounds}\`.`,
    'req/s, p50, p99 and server CPU per request are medians over the runs; peak RSS is the server process tree, ' +
      'sampled every 100 ms; server CPU is user + system time of that tree over the run; ' +
      '"unexpected status" counts responses other than the expected 2xx (401 for the revoked token).',
    [header, ...report.scenarios.map((result) => row(result, report.bareKoaRequestsPerSecond))].join('\n'),
    notes(report).join('\n'),
  ].join('\n\n');
}

async function formatted(text: string, file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

/** Writes bench/results/latest.json and latest.md. */
export async function writeResults(report: BenchReport, markdown: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const json = path.join(RESULTS, 'latest.json');
  const md = path.join(RESULTS, 'latest.md');
  await writeFile(json, await formatted(JSON.stringify(report), json));
  await writeFile(md, await formatted(`# Benchmark results\n\n${markdown}\n`, md));
}

/** Replaces the bench section of docs/reference/benchmarks.md, between its markers. */
export async function updateBenchmarksPage(markdown: string): Promise<void> {
  const page = await readFile(BENCHMARKS_PAGE, 'utf8');
  // Only our section is formatted: the prose around it is written by hand.
  const section = `${START_MARKER}\n\n${(await formatted(markdown, BENCHMARKS_PAGE)).trim()}\n\n${END_MARKER}`;
  const start = page.indexOf(START_MARKER);
  const end = page.indexOf(END_MARKER);
  if (start === -1 || end < start) throw new Error(`${BENCHMARKS_PAGE} has lost its bench markers`);
  await writeFile(BENCHMARKS_PAGE, page.slice(0, start) + section + page.slice(end + END_MARKER.length));
}
