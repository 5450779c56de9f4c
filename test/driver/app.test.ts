import { expect } from 'chai';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { dropDatabase } from '../../src/db/database';
import { testConfig } from '../support/config';
import { runApp, startAppServer, type Outcome } from '../support/processes';

/** A database of the driver tests' own, so undoing migrations never touches the API tests'. */
const driverUrl = `${testConfig().databaseUrl}_driver`;
const driverTarget = testConfig({ TEST_DATABASE_URL: driverUrl });
const driverDatabase = driverTarget.database.database;

/** The environment a newcomer's shell would have: no secret, development, our driver database. */
function environment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: driverUrl,
    LOG_LEVEL: 'info',
  };
  delete env.JWT_SECRET;
  delete env.PORT;
  return { ...env, ...overrides };
}

function run(args: string[], cwd: string, overrides: Record<string, string> = {}): Promise<Outcome> {
  return runApp(args, { cwd, env: environment(overrides) });
}

/** Every migration, oldest first, as the migrator names them (tests run from build/test/driver). */
const MIGRATIONS = readdirSync(path.resolve(__dirname, '..', '..', '..', 'migrations'))
  .filter((name) => name.endsWith('.js'))
  .sort();

async function tableNames(uri = driverUrl): Promise<string[]> {
  const connection = await mysql.createConnection({ uri });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SHOW TABLES');
    return rows.map((row) => String(Object.values(row)[0])).sort();
  } finally {
    await connection.end();
  }
}

describe('driver (app.ts)', function () {
  this.timeout(60_000);
  let cwd: string;

  before(async () => {
    await dropDatabase(driverTarget);
    cwd = mkdtempSync(path.join(tmpdir(), 'driver-'));
  });
  after(() => dropDatabase(driverTarget));

  it('--help prints usage and exits 0', async () => {
    const outcome = await run(['--help'], cwd);
    expect(outcome.code).to.equal(0);
    expect(outcome.stdout).to.include('Usage: node app').and.include('--create');
  });

  const misuses: Array<[string, string[]]> = [
    ['no flag', []],
    ['an unknown flag', ['--bogus']],
    ['conflicting flags', ['--create', '--drop']],
    ['--seed without --create', ['--drop', '--seed']],
    ['--force without --drop', ['--create', '--force']],
    ['a positional argument', ['create']],
    ['--workers without --server', ['--create', '--workers', '2']],
    ['--workers 0', ['--server', '--workers', '0']],
  ];
  for (const [label, args] of misuses) {
    it(`exits 2 with usage for ${label}`, async () => {
      const outcome = await run(args, cwd);
      expect(outcome.code).to.equal(2);
      expect(outcome.stderr)
        .to.match(/^error: /)
        .and.include('Usage: node app');
    });
  }

  it('suggests the closest flag for a misspelt one, --sever → --server', async () => {
    const outcome = await run(['--sever'], cwd);
    expect(outcome.code).to.equal(2);
    expect(outcome.stderr).to.match(/^error: unknown option --sever; did you mean --server\?\n/);
  });

  it('warns about keys in .env or the environment that look like misspelt settings, never printing values', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'driver-typo-'));
    writeFileSync(path.join(empty, '.env'), 'JWT_SECERT=value-of-the-misspelt-secret-0123456789\n');
    const outcome = await run(['--server'], empty, { RATE_LIMIT_LOGIN_PERIP: '7' });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim().split('\n')).to.deep.equal([
      'warning: JWT_SECERT is not a setting of this server and is ignored; did you mean JWT_SECRET?',
      'warning: RATE_LIMIT_LOGIN_PERIP is not a setting of this server and is ignored; did you mean RATE_LIMIT_LOGIN_PER_IP?',
      'error: JWT_SECRET is not set: run `node app --create` to generate one into .env, or set it',
    ]);
    expect(outcome.stderr).to.not.include('value-of-the-misspelt-secret');
  });

  it('--create makes the database, migrates it and writes a secret to .env; twice is harmless', async () => {
    const first = await run(['--create', '--seed'], cwd);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.include(`created database ${driverDatabase}`);
    expect(first.stdout).to.include('wrote a freshly generated one to .env');
    expect(first.stdout).to.include('applied 20261123000001-create-users.js');
    expect(first.stdout).to.match(/seeded admin admin@example.com with password \S+/);
    // The tables every migration makes: the test database, migrated by the global setup, has exactly those.
    expect(await tableNames()).to.deep.equal(await tableNames(testConfig().databaseUrl));
    expect(await tableNames()).to.include.members(['SequelizeMeta', 'blocked_tokens', 'sessions', 'users']);
    const envFile = readFileSync(path.join(cwd, '.env'), 'utf8');

    const second = await run(['--create', '--seed'], cwd);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.include(`database ${driverDatabase} already exists`).and.include('no pending migrations');
    expect(second.stdout).to.not.include('seeded');
    expect(readFileSync(path.join(cwd, '.env'), 'utf8')).to.equal(envFile);
  });

  it('--server serves with the secret from .env and exits 0 on SIGTERM', async () => {
    const { child, baseUrl, exited } = await startAppServer({ cwd, env: environment() });
    const response = await fetch(`${baseUrl}/auth/ping`);
    expect(response.status).to.equal(200);
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });

  describe('a listen failure names the setting to change, not MySQL', () => {
    let busy: net.Server;
    let busyPort: number;

    before(async () => {
      // Mocha runs this after the tests above, --drop included: the server must get as far as listening.
      expect((await run(['--create'], cwd)).code).to.equal(0);
      busy = net.createServer().listen(0, '127.0.0.1');
      await once(busy, 'listening');
      busyPort = (busy.address() as AddressInfo).port;
    });
    after(() => {
      busy.close();
    });

    const cases: Array<[string, () => Record<string, string>, RegExp]> = [
      [
        'a PORT in use',
        () => ({ PORT: String(busyPort) }),
        /^error: PORT=\d+: the port is already in use .*\[EADDRINUSE\]$/,
      ],
      [
        'a METRICS_PORT in use',
        () => ({ PORT: '0', METRICS_PORT: String(busyPort) }),
        /^error: METRICS_PORT=\d+: the port is already in use .*\[EADDRINUSE\]$/,
      ],
      [
        'a HOST that is not an address of this machine',
        () => ({ PORT: '0', HOST: '192.0.2.1' }),
        /^error: HOST=192\.0\.2\.1: not an address of this machine; set HOST .*\[EADDRNOTAVAIL\]$/,
      ],
      [
        'a HOST that does not resolve',
        () => ({ PORT: '0', HOST: 'no-such-host.invalid' }),
        /^error: HOST=no-such-host\.invalid: .*set HOST to an IP address.*\[(ENOTFOUND|EAI_AGAIN)\]$/,
      ],
    ];
    for (const [label, overrides, expected] of cases) {
      it(`exits 1 with one line naming the key for ${label}`, async () => {
        const outcome = await run(['--server'], cwd, overrides());
        expect(outcome.code).to.equal(1);
        expect(outcome.stderr.trim()).to.match(expected).and.not.include('MySQL');
      });
    }

    it('stops a cluster whose workers cannot listen, each saying why', async () => {
      const outcome = await run(['--server', '--workers', '2'], cwd, { PORT: String(busyPort) });
      expect(outcome.code).to.equal(1);
      expect(outcome.stderr).to.include(`error: PORT=${busyPort}: the port is already in use`).and.not.include('MySQL');
    });
  });

  it('--server --workers 2 shares one port, replaces a worker that dies, and stops cleanly', async () => {
    const server = await startAppServer({ cwd, env: environment() }, ['--workers', '2']);
    const listeningPids = (): number[] =>
      [...server.output().matchAll(/"pid":(\d+),[^\n]*"msg":"listening"/g)].map((match) => Number(match[1]));
    while (listeningPids().length < 2) await sleep(50);
    const [first, second] = listeningPids();
    expect(first).to.not.equal(second);

    process.kill(first ?? 0, 'SIGKILL');
    while (listeningPids().length < 3) await sleep(50);
    expect(server.output()).to.include('worker died; starting a new one');
    expect((await fetch(`${server.baseUrl}/auth/ping`)).status).to.equal(200);

    server.child.kill('SIGTERM');
    expect(await server.exited).to.equal(0);
    expect(server.output()).to.include('"msg":"stopping workers"');
  });

  it('--purge deletes expired rows and says how many', async () => {
    const connection = await mysql.createConnection({ uri: driverUrl });
    try {
      const [users] = await connection.query<mysql.RowDataPacket[]>('SELECT id FROM users LIMIT 1');
      await connection.query(
        "INSERT INTO blocked_tokens (jti, user_id, expires_at, blocked_at, reason) VALUES ('old', ?, NOW() - INTERVAL 1 DAY, NOW(), 'logout')",
        [users[0]?.id],
      );
    } finally {
      await connection.end();
    }
    const outcome = await run(['--purge'], cwd);
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stdout.trim()).to.equal(
      'purged 1 expired blocked token(s), 0 expired session row(s), 0 expired rate-limit row(s), ' +
        '0 expired adapter session(s), 0 expired verification token(s), 0 expired OIDC login(s), ' +
        '0 expired OIDC code(s), 0 expired email token(s) and 0 audit event(s) older than 365 day(s)',
    );
  });

  it('--help names every kind of row that --purge deletes, in the words --purge reports them', async () => {
    const help = (await run(['--help'], cwd)).stdout;
    // The --purge entry: its line and the indented lines under it, up to the next option.
    const lines = help.split('\n');
    const start = lines.findIndex((line) => line.trimStart().startsWith('--purge'));
    const length = lines.slice(start + 1).findIndex((line) => !/^ {16}\S/.test(line));
    const purgeEntry = lines
      .slice(start, start + 1 + length)
      .join(' ')
      .replace(/\s+/g, ' ');
    const reported = (await run(['--purge'], cwd)).stdout;
    const kinds = [...reported.matchAll(/\d+ expired ([A-Za-z -]+?)\(s\)/g)].map((match) => match[1]);
    expect(kinds).to.deep.equal([
      'blocked token',
      'session row',
      'rate-limit row',
      'adapter session',
      'verification token',
      'OIDC login',
      'OIDC code',
      'email token',
    ]);
    for (const kind of kinds) expect(purgeEntry, kind).to.include(`${kind}s`);
  });

  it('--drop refuses under NODE_ENV=production without --force', async () => {
    const outcome = await run(['--drop'], cwd, {
      NODE_ENV: 'production',
      JWT_SECRET: 'k7Qv2mZp9xLr4TnWb8YcJd3HsFg6AeRu',
    });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.include('refusing to --drop');
    expect(await tableNames()).to.include('users');
  });

  it('--drop undoes every migration, after which --server refuses to start', async () => {
    const dropped = await run(['--drop'], cwd);
    expect(dropped.code, dropped.stderr).to.equal(0);
    expect(dropped.stdout).to.include(`undid ${[...MIGRATIONS].reverse().join(', ')}`);
    expect(await tableNames()).to.deep.equal(['SequelizeMeta']);
    // What --help promises: the database itself and an empty SequelizeMeta stay.
    const help = (await run(['--help'], cwd)).stdout.replace(/\s+/g, ' ');
    expect(help).to.include("drops this server's tables, keeps the database itself and an empty SequelizeMeta table");
    const connection = await mysql.createConnection({ uri: driverUrl });
    try {
      const [applied] = await connection.query<mysql.RowDataPacket[]>('SELECT name FROM SequelizeMeta');
      expect(applied).to.deep.equal([]);
    } finally {
      await connection.end();
    }

    const cluster = await run(['--server', '--workers', '2'], cwd);
    expect(cluster.code).to.equal(1);
    expect(cluster.stderr).to.include('migration(s) pending').and.include('before it could serve');

    const server = await run(['--server'], cwd);
    expect(server.code).to.equal(1);
    expect(server.stderr.trim()).to.equal(
      `error: ${MIGRATIONS.length} migration(s) pending (${MIGRATIONS.join(', ')}): run \`node app --create\``,
    );
  });

  it('exits 1 naming the key for a malformed DATABASE_URL', async () => {
    const outcome = await run(['--create'], cwd, { DATABASE_URL: 'not a url' });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim()).to.match(/^error: invalid configuration: DATABASE_URL /);
  });

  it('exits 1 with one line naming the host when MySQL is unreachable', async () => {
    const outcome = await run(['--create'], cwd, { DATABASE_URL: 'mysql://root@127.0.0.1:1/auth_nowhere' });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim().split('\n')).to.have.length(1);
    expect(outcome.stderr).to.include('MySQL at 127.0.0.1:1').and.include('ECONNREFUSED');
  });

  it('exits 1 when the database does not exist yet', async () => {
    const outcome = await run(['--server'], cwd, { DATABASE_URL: 'mysql://root@127.0.0.1:3306/auth_never_created' });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.include('ER_BAD_DB_ERROR');
  });

  it('refuses to serve in production without a secret', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'driver-prod-'));
    const outcome = await run(['--server'], empty, { NODE_ENV: 'production' });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim()).to.equal('error: invalid configuration: JWT_SECRET is required');
    expect(existsSync(path.join(empty, '.env'))).to.equal(false);
  });

  it('refuses to serve in development without a secret, and says how to get one', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'driver-dev-'));
    const outcome = await run(['--server'], empty);
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.include('JWT_SECRET is not set: run `node app --create`');
  });
});
