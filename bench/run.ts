/**
 * `npm run bench`: loads a bare Koa app and then our server (built dist/app.js, fresh `auth_bench`
 * database) with autocannon, and reports throughput, latency and memory per scenario, against the
 * bare-Koa and bcrypt ceilings. Options: `npm run bench -- --help`. Every process it starts is
 * stopped and `auth_bench` dropped at the end, also on failure.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { databaseUrlFor, dropBenchDatabase, serverVersion } from './database';
import { createFixtures, type Fixtures } from './fixtures';
import { measureScenario, waitForServerIdle, type Scenario, type ScenarioResult } from './load';
import { measureMillionRows } from './million';
import { parseBenchOptions, USAGE, UsageError, type BenchOptions, type BenchPart } from './options';
import { APP, stopAll, stopProcess } from './processes';
import type { BcryptCeiling } from './bcrypt-ceiling';
import { measureAsymmetric } from './keys';
import { measureWithRedis } from './redis';
import { toMarkdown, updateBenchmarksPage, writeResults, type BenchReport, type MachineFacts } from './report';
import * as scenarios from './scenarios';
import {
  measureBcryptCeiling,
  recreateDatabase,
  serverEnvironment,
  startBareKoa,
  startServer,
  workersAvailable,
} from './servers';

const BCRYPT_CEILING_SECONDS = 3;

async function machineFacts(databaseUrl: string): Promise<MachineFacts> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    mysql: await serverVersion(databaseUrl),
    date: new Date().toISOString().slice(0, 10),
    loadAverageAtStart: os.loadavg()[0] ?? 0,
  };
}

async function measureBareKoa(options: BenchOptions): Promise<ScenarioResult> {
  const bare = await startBareKoa();
  try {
    return await measureScenario(scenarios.bareKoaScenario(bare.baseUrl), options, bare.process.pid);
  } finally {
    await stopProcess(bare.process);
  }
}

/** `GET /auth/user` on `--workers 2`, as a ratio to the one-process figure; skipped without --workers. */
async function measureWorkers(
  env: NodeJS.ProcessEnv,
  fixtures: Fixtures,
  options: BenchOptions,
  oneWorker: ScenarioResult,
): Promise<{ result: ScenarioResult | null; summary: BenchReport['workers'] }> {
  if (!(await workersAvailable(env))) return { result: null, summary: { available: false } };
  const workers = 2;
  const cluster = await startServer(env, workers);
  try {
    const scenario = scenarios.userScenario({ ...fixtures, baseUrl: cluster.baseUrl }, 'GET /auth/user, --workers 2');
    const result = await measureScenario(scenario, options, cluster.process.pid);
    const ratioToOneWorker = result.requestsPerSecond / oneWorker.requestsPerSecond;
    return { result, summary: { available: true, workers, ratioToOneWorker } };
  } finally {
    await stopProcess(cluster.process);
  }
}

async function bench(options: BenchOptions, command: string, databaseUrl: string): Promise<BenchReport> {
  const started = Date.now();
  const { parts } = options;
  const env = serverEnvironment(databaseUrl, options.bcryptRounds);
  const machine = await machineFacts(databaseUrl);
  const bare = await measureBareKoa(options);

  await recreateDatabase(env, databaseUrl);
  let server = await startServer(env);
  let fixtures = await createFixtures(server.baseUrl);
  const measured: ScenarioResult[] = [];
  const measure = async (part: BenchPart, scenario: () => Scenario): Promise<ScenarioResult | null> => {
    if (!parts.has(part)) return null;
    const result = await measureScenario(scenario(), options, server.process.pid);
    measured.push(result);
    return result;
  };
  await measure('ping', () => scenarios.pingScenario(fixtures));
  const user = await measure('user', () => scenarios.userScenario(fixtures));
  await measure('revoked', () => scenarios.revokedUserScenario(fixtures));
  let ceiling: BcryptCeiling | null = null;
  if (parts.has('login') || parts.has('signup')) {
    // Measured right before login and signup, on the same machine with the server idle.
    await waitForServerIdle(server.process.pid);
    ceiling = await measureBcryptCeiling(options.bcryptRounds, BCRYPT_CEILING_SECONDS);
    console.error(`  bcrypt ceiling: ${ceiling.comparesPerSecond.toFixed(1)} compares/s at cost ${ceiling.rounds}`);
  }
  const login = await measure('login', () => scenarios.loginScenario(fixtures));
  const signup = await measure('signup', () => scenarios.signupScenario(fixtures));
  await measure('refresh', () => scenarios.refreshScenario(fixtures, options.connections));
  await measure('refresh-spread', () => scenarios.refreshSpreadScenario(fixtures, databaseUrl, options.connections));
  await stopProcess(server.process);

  // --only adds the baselines (user, login) of the parts below: see BASELINES in options.ts.
  const workers = user !== null && parts.has('workers') ? await measureWorkers(env, fixtures, options, user) : null;
  const redis =
    user !== null && login !== null && ceiling !== null && parts.has('redis')
      ? await measureWithRedis(env, databaseUrl, fixtures, options, { login, user, ceiling })
      : null;
  let millionRows: BenchReport['millionRows'] = null;
  const extra = [...(workers?.result ? [workers.result] : []), ...(redis?.results ?? [])];
  if (user !== null && options.withMillion) {
    server = await startServer(env);
    fixtures = { ...fixtures, baseUrl: server.baseUrl };
    const million = await measureMillionRows(server, fixtures, env, options);
    await stopProcess(server.process);
    millionRows = {
      ...million,
      userRatioToEmptyTable: million.user.requestsPerSecond / user.requestsPerSecond,
      p99WithoutPurgeMs: million.user.p99Ms,
    };
    extra.push(million.user, million.duringPurge);
  }
  const keys = user !== null && parts.has('keys') ? await measureAsymmetric(env, databaseUrl, options, user) : null;
  // The asymmetric-key rows follow the HS256 `GET /auth/user` row they are compared to.
  const afterUser = user === null ? measured.length : measured.indexOf(user) + 1;
  return {
    command,
    machine,
    options,
    scenarios: [
      bare,
      ...measured.slice(0, afterUser),
      ...(keys?.results ?? []),
      ...measured.slice(afterUser),
      ...extra,
    ],
    bareKoaRequestsPerSecond: bare.requestsPerSecond,
    bcrypt:
      ceiling === null
        ? null
        : {
            ...ceiling,
            loginRatio: (login?.requestsPerSecond ?? NaN) / ceiling.comparesPerSecond,
            signupRatio: (signup?.requestsPerSecond ?? NaN) / ceiling.comparesPerSecond,
          },
    workers: workers?.summary ?? null,
    keys: keys?.summary ?? null,
    redis: redis?.summary ?? null,
    millionRows,
    elapsedSeconds: (Date.now() - started) / 1000,
  };
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | null;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    console.error(`error: ${(error as UsageError).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(APP)) {
    console.error('error: dist/app.js is missing: `npm install` builds it (or run `npm run build`)');
    return 1;
  }
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const databaseUrl = databaseUrlFor(options.database);
  const cleanUp = async (): Promise<void> => {
    await stopAll();
    // Reported, not thrown: a failure here must not hide the error that ended the run.
    await dropBenchDatabase(databaseUrl).catch((error: unknown) => {
      console.error(
        `warning: could not drop ${options.database}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  };
  // Stopped from a terminal, by `kill` or by a closed session: the servers and auth_bench go too.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      void cleanUp().finally(() => process.exit(code));
    });
  }
  try {
    const report = await bench(options, command, databaseUrl);
    const markdown = toMarkdown(report);
    console.log(`\n${markdown}\n`);
    // The results files are committed and must match the docs' block: only a run that rewrites
    // both writes either, so a trial run (--quick, --only) leaves the checkout as it was.
    if (options.docs) {
      await writeResults(report, markdown);
      await updateBenchmarksPage(markdown);
      console.log('wrote bench/results/latest.json, latest.md and docs/reference/benchmarks.md');
    } else {
      console.log('wrote nothing: --docs writes bench/results/latest.* and docs/reference/benchmarks.md');
    }
    return 0;
  } finally {
    await cleanUp();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
