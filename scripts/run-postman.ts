/**
 * Runs postman/auth.postman_collection.json twice against real servers, each on a fresh database of its own
 * on the test MySQL server (`<test database>_postman` and `<test database>_postman_defaults`), each started as
 * `app.ts --create`, then `app.ts --server` on a free port:
 * - "every feature on": cookie mode over plain http, one CORS origin, a small per-account login limit and an
 *   AUTHJS_ADAPTER_SECRET, which the collection's "Cookie mode", "CORS", "Rate limits" and "Auth.js adapter"
 *   folders exercise. Nothing may be skipped.
 * - "as npm start": no setting but the database and the port, in a directory without a .env, so `--create`
 *   writes the JWT secret there as `npm start` does. The requests that need a setting this server lacks report a
 *   skipped test naming it; nothing may fail. This keeps the collection usable against `npm start`.
 * Prints one line per run and a closing `postman: N passed, N failed, N skipped`; exits non-zero when a server
 * cannot start, any assertion fails, or the first run skips anything. Usage: `npm run test:postman`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import newman, { type NewmanRunExecutionAssertion, type NewmanRunSummary } from 'newman';
import { loadConfig } from '../src/config';
import { dropDatabase } from '../src/db/database';
import { findFreePort } from './free-port';

const ROOT = path.resolve(__dirname, '..');
const COLLECTION = path.join(ROOT, 'postman', 'auth.postman_collection.json');
const ENVIRONMENT = path.join(ROOT, 'postman', 'auth.postman_environment.json');
const READY_TIMEOUT_MS = 20_000;
/** The browser origin the CORS folder calls from; the server allows it and only it. */
const CORS_ORIGIN = 'http://app.example.test';
/** Small, so the "Rate limits" folder reaches the limit in a few requests. */
const LOGIN_FAILURES_PER_ACCOUNT = 3;
/** The Auth.js adapter secret of the first run, shared by its server and the "Auth.js adapter" folder. */
const ADAPTER_SECRET = randomBytes(32).toString('base64url');
/** Far above what one run spends, so no other request of the collection is ever limited. */
const GENEROUS_LIMIT = '1000';
/** The admin `--create-admin` makes for the "Admin" folder; a throwaway password per run. */
const ADMIN_EMAIL = 'postman-admin@example.com';
const ADMIN_PASSWORD = randomBytes(18).toString('base64url');

interface App {
  child: ChildProcess;
  output: () => string;
}

/** One way of starting the server, and what the collection's run against it must show. */
interface Mode {
  name: string;
  databaseSuffix: string;
  /** The server's whole environment, given its database and port. */
  environment: (databaseUrl: string, port: number) => NodeJS.ProcessEnv;
  /** Values that override the `local` environment file's. */
  collectionVariables: (baseUrl: string) => Array<{ key: string; value: string }>;
  /** Runs `--create-admin` before the server starts, for the "Admin" folder. */
  createsAdmin: boolean;
  /** false: a skipped test is a failure, as this server has every setting the collection needs. */
  allowsSkips: boolean;
}

interface Tally {
  requests: number;
  passed: number;
  failed: number;
  /** The names of the skipped tests: each says which setting the server lacks. */
  skipped: string[];
}

const EVERY_FEATURE_ON: Mode = {
  name: 'every feature on',
  databaseSuffix: '_postman',
  environment: (databaseUrl, port) => ({
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    // A throwaway secret, so `--create` never writes one into the developer's .env.
    JWT_SECRET: randomBytes(48).toString('base64url'),
    PORT: String(port),
    HOST: '127.0.0.1',
    // `info`, not `warn`: the server announces readiness with an info-level "listening" line.
    LOG_LEVEL: 'info',
    BCRYPT_ROUNDS: '10',
    COOKIE_MODE: 'true',
    // Plain http, as in development: cookies without Secure, so named without the __Host-/__Secure- prefix.
    COOKIE_SECURE: 'false',
    CORS_ORIGINS: CORS_ORIGIN,
    RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: String(LOGIN_FAILURES_PER_ACCOUNT),
    RATE_LIMIT_SIGNUP_PER_IP: GENEROUS_LIMIT,
    RATE_LIMIT_LOGIN_PER_IP: GENEROUS_LIMIT,
    RATE_LIMIT_REFRESH_PER_IP: GENEROUS_LIMIT,
    RATE_LIMIT_PASSWORD_PER_IP: GENEROUS_LIMIT,
    RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: GENEROUS_LIMIT,
    AUTHJS_ADAPTER_SECRET: ADAPTER_SECRET,
    // Empty overrides .env and counts as unset: GET /metrics stays on the main port, whatever .env says.
    METRICS_ENABLED: 'true',
    METRICS_PORT: '',
  }),
  collectionVariables: (baseUrl) => [
    { key: 'base_url', value: baseUrl },
    { key: 'cors_origin', value: CORS_ORIGIN },
    { key: 'login_failures_per_account', value: String(LOGIN_FAILURES_PER_ACCOUNT) },
    { key: 'adapter_secret', value: ADAPTER_SECRET },
    { key: 'admin_email', value: ADMIN_EMAIL },
    { key: 'admin_password', value: ADMIN_PASSWORD },
  ],
  createsAdmin: true,
  allowsSkips: false,
};

const AS_NPM_START: Mode = {
  name: 'as npm start',
  databaseSuffix: '_postman_defaults',
  // A newcomer's shell: none of the developer's or CI's settings (NODE_ENV, COOKIE_MODE, …), only where to
  // find the database, which port to take, and what tsx needs to compile app.ts from another directory.
  environment: (databaseUrl, port) => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
    DATABASE_URL: databaseUrl,
    PORT: String(port),
  }),
  // The `local` environment file describes the server `npm start` runs; only its port differs here.
  collectionVariables: (baseUrl) => [{ key: 'base_url', value: baseUrl }],
  createsAdmin: false,
  allowsSkips: true,
};

/** The test database's URL with `suffix` appended: a throwaway database of our own. */
function databaseUrlWith(suffix: string): string {
  const url = new URL(loadConfig({ ...process.env, NODE_ENV: 'test' }).databaseUrl);
  url.pathname = `${url.pathname}${suffix}`;
  return url.toString();
}

/** Runs `app.ts <command…>` under tsx in `cwd`, collecting stdout and stderr together. */
function startApp(command: string[], env: NodeJS.ProcessEnv, cwd: string): App {
  const args = ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'app.ts'), ...command];
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function exitCodeOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  return child.exitCode;
}

/** Resolves once the server logs `listening`; rejects when it exits first or takes too long. */
async function waitUntilListening({ child, output }: App): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!output().includes('"msg":"listening"')) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    if (Date.now() > deadline)
      throw new Error(`the server was not listening after ${READY_TIMEOUT_MS} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runNewman(envVar: Array<{ key: string; value: string }>): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run({ collection: COLLECTION, environment: ENVIRONMENT, envVar, reporters: 'cli' }, (error, summary) => {
      if (error === null) resolve(summary);
      else reject(error);
    });
  });
}

function tallyOf(summary: NewmanRunSummary): Tally {
  // An execution without tests (a skipped request) has no assertions array at all.
  const assertions = summary.run.executions.flatMap(
    (execution) => (execution.assertions as NewmanRunExecutionAssertion[] | undefined) ?? [],
  );
  const skipped = assertions.filter((assertion) => assertion.skipped).map((assertion) => assertion.assertion);
  const failed = summary.run.failures.length + (summary.error === undefined ? 0 : 1);
  return {
    requests: summary.run.stats.requests.total ?? 0,
    passed: assertions.length - skipped.length - (summary.run.stats.assertions.failed ?? 0),
    failed,
    skipped,
  };
}

/** Creates a fresh database, starts the server as `mode` says, runs the collection, cleans up. */
async function runMode(mode: Mode): Promise<Tally> {
  const databaseUrl = databaseUrlWith(mode.databaseSuffix);
  const target = loadConfig({ ...process.env, NODE_ENV: 'test', TEST_DATABASE_URL: databaseUrl });
  await dropDatabase(target);
  const port = await findFreePort();
  const env = mode.environment(databaseUrl, port);
  // No .env of the developer's is read, and whatever `--create` writes stays in here.
  const cwd = mkdtempSync(path.join(tmpdir(), 'postman-'));
  try {
    const create = startApp(['--create'], env, cwd);
    const created = await exitCodeOf(create.child);
    if (created !== 0) throw new Error(`app.ts --create exited with code ${created}:\n${create.output()}`);
    if (mode.createsAdmin) {
      const admin = startApp(['--create-admin', ADMIN_EMAIL], { ...env, ADMIN_PASSWORD }, cwd);
      const made = await exitCodeOf(admin.child);
      if (made !== 0) throw new Error(`app.ts --create-admin exited with code ${made}:\n${admin.output()}`);
    }
    const server = startApp(['--server'], env, cwd);
    try {
      await waitUntilListening(server);
      return tallyOf(await runNewman(mode.collectionVariables(`http://127.0.0.1:${port}`)));
    } finally {
      server.child.kill('SIGTERM');
      await exitCodeOf(server.child);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    await dropDatabase(target);
  }
}

async function main(): Promise<number> {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const mode of [EVERY_FEATURE_ON, AS_NPM_START]) {
    const tally = await runMode(mode).catch((error: unknown): Tally => {
      console.error(`postman (${mode.name}): ${error instanceof Error ? error.message : String(error)}`);
      return { requests: 0, passed: 0, failed: 1, skipped: [] };
    });
    const forbiddenSkips = mode.allowsSkips ? 0 : tally.skipped.length;
    for (const name of tally.skipped) console.log(`postman (${mode.name}) skipped: ${name}`);
    if (forbiddenSkips > 0)
      console.error(`postman (${mode.name}): this server has every setting; nothing may be skipped`);
    console.log(
      `postman (${mode.name}): ${tally.requests} requests, ${tally.passed} assertions passed, ` +
        `${tally.failed} failed, ${tally.skipped.length} skipped`,
    );
    total.passed += tally.passed;
    total.failed += tally.failed + forbiddenSkips;
    total.skipped += tally.skipped.length - forbiddenSkips;
  }
  console.log(`postman: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
