/**
 * Runs postman/auth.postman_collection.json against a real server: a fresh `<test database>_postman`
 * database (`auth_test_postman` by default) on the test MySQL server, `app.ts --create`, then `app.ts --server` on a free port, then newman.
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
        envVar: [{ key: 'base_url', value: baseUrl }],
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
