import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { BcryptCeiling } from './bcrypt-ceiling';
import { findFreePort } from '../scripts/free-port';
import { dropBenchDatabase } from './database';
import { APP, runToCompletion, startProcess, tsxArgs, waitUntilListening, type StartedProcess } from './processes';

export interface RunningServer {
  process: StartedProcess;
  baseUrl: string;
}

const BENCH_LIMIT_KEYS = [
  'RATE_LIMIT_SIGNUP_PER_IP',
  'RATE_LIMIT_LOGIN_PER_IP',
  'RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT',
  'RATE_LIMIT_REFRESH_PER_IP',
  'RATE_LIMIT_PASSWORD_PER_IP',
  'RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT',
];

/** The environment of every `dist/app.js` command the bench runs; PORT is added per server. */
export function serverEnvironment(databaseUrl: string, bcryptRounds: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    // A throwaway secret, so `--create` never writes one into the developer's .env.
    JWT_SECRET: randomBytes(48).toString('base64url'),
    HOST: '127.0.0.1',
    // `info`, not `warn`: the server announces readiness with an info-level "listening" line.
    LOG_LEVEL: 'info',
    // Off, so no purge of its own runs in the middle of a measurement.
    PURGE_INTERVAL_SECONDS: '0',
    BCRYPT_ROUNDS: String(bcryptRounds),
    // Counted (the cost of the limiter is part of what we measure) but never reached from one IP.
    ...Object.fromEntries(BENCH_LIMIT_KEYS.map((key) => [key, '1000000000'])),
  };
}

/** Drops the bench database, then creates and migrates it with `app.js --create`. */
export async function recreateDatabase(env: NodeJS.ProcessEnv, databaseUrl: string): Promise<void> {
  await dropBenchDatabase(databaseUrl);
  await runToCompletion('app.js --create', [APP, '--create'], env);
}

/** `app.js --server` (with `--workers N` when given) on a free port, once every worker listens. */
export async function startServer(env: NodeJS.ProcessEnv, workers?: number): Promise<RunningServer> {
  const port = await findFreePort();
  const extra = workers === undefined ? [] : ['--workers', String(workers)];
  const server = startProcess(`app.js --server ${extra.join(' ')}`.trim(), [APP, '--server', ...extra], {
    ...env,
    PORT: String(port),
  });
  await waitUntilListening(server, workers ?? 1);
  return { process: server, baseUrl: `http://127.0.0.1:${port}` };
}

export async function startBareKoa(): Promise<RunningServer> {
  const port = await findFreePort();
  const server = startProcess('bare-koa.ts', tsxArgs('bare-koa.ts', String(port)), process.env);
  await waitUntilListening(server, 1);
  return { process: server, baseUrl: `http://127.0.0.1:${port}` };
}

/** True when this build's `--help` mentions `--workers` (node:cluster support). */
export async function workersAvailable(env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await runToCompletion('app.js --help', [APP, '--help'], env)).includes('--workers');
}

/** bcrypt compares per second on every core, measured in a child process of its own. */
export async function measureBcryptCeiling(rounds: number, seconds: number): Promise<BcryptCeiling> {
  // libuv's pool has 4 threads by default: give it one per core, to measure the cores, not the pool.
  const threadPoolSize = Math.max(4, os.cpus().length);
  const output = await runToCompletion(
    'bcrypt-ceiling.ts',
    tsxArgs('bcrypt-ceiling.ts', String(rounds), String(seconds)),
    {
      ...process.env,
      UV_THREADPOOL_SIZE: String(threadPoolSize),
    },
  );
  const ceiling = JSON.parse(output.trim().split('\n').pop() ?? '') as BcryptCeiling;
  if (!Number.isFinite(ceiling.comparesPerSecond)) throw new Error(`bcrypt-ceiling.ts printed ${output}`);
  return ceiling;
}

/** Runs `app.js --purge` to completion; resolves with its wall time and what it printed. */
export async function runPurge(env: NodeJS.ProcessEnv): Promise<{ seconds: number; output: string }> {
  const started = Date.now();
  const output = await runToCompletion('app.js --purge', [APP, '--purge'], env);
  return { seconds: (Date.now() - started) / 1000, output: output.trim() };
}
