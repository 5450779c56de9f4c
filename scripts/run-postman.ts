/**
 * Runs postman/auth.postman_collection.json against a real server: a fresh `<test database>_postman`
 * database (`auth_test_postman` by default) on the test MySQL server, `app.ts --create`, then `app.ts --server` on a free port, then newman.
 * The server runs with cookie mode over plain http, one CORS origin and a small per-account login limit, which
 * the collection's "Cookie mode", "CORS" and "Rate limits" folders exercise.
 * Exits non-zero when the server cannot start or any assertion fails. Usage: `npm run test:postman`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { loadConfig, parseDatabaseUrl } from '../src/config';
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
/** Far above what one run spends, so no other request of the collection is ever limited. */
const GENEROUS_LIMIT = '1000';

interface App {
  child: ChildProcess;
  output: () => string;
}

/** The test database's URL with `_postman` appended: a throwaway database of our own. */
function postmanDatabaseUrl(): string {
  const url = new URL(loadConfig({ ...process.env, NODE_ENV: 'test' }).databaseUrl);
  url.pathname = `${url.pathname}_postman`;
  return url.toString();
}

/** Runs `app.ts <command>` under tsx, collecting stdout and stderr together. */
function startApp(command: '--create' | '--server', env: NodeJS.ProcessEnv): App {
  const args = ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'app.ts'), command];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

function runNewman(baseUrl: string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection: COLLECTION,
        environment: ENVIRONMENT,
        envVar: [
          { key: 'base_url', value: baseUrl },
          { key: 'cors_origin', value: CORS_ORIGIN },
          { key: 'login_failures_per_account', value: String(LOGIN_FAILURES_PER_ACCOUNT) },
        ],
        reporters: 'cli',
      },
      (error, summary) => {
        if (error === null) resolve(summary);
        else reject(error);
      },
    );
  });
}

async function main(): Promise<number> {
  const databaseUrl = postmanDatabaseUrl();
  const target = { databaseUrl, database: parseDatabaseUrl(databaseUrl) };
  await dropDatabase(target);
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = {
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
    // Empty overrides .env and counts as unset: GET /metrics stays on the main port, whatever .env says.
    METRICS_ENABLED: 'true',
    METRICS_PORT: '',
  };
  try {
    const create = startApp('--create', env);
    const created = await exitCodeOf(create.child);
    if (created !== 0) throw new Error(`app.ts --create exited with code ${created}:\n${create.output()}`);
    const server = startApp('--server', env);
    try {
      await waitUntilListening(server);
      const summary = await runNewman(`http://127.0.0.1:${port}`);
      return summary.run.failures.length > 0 || Boolean(summary.error) ? 1 : 0;
    } finally {
      server.child.kill('SIGTERM');
      await exitCodeOf(server.child);
    }
  } finally {
    await dropDatabase(target);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
