import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pino from 'pino';
import request from 'supertest';
import { connectRedis } from '../../src/db/redis';
import { createApp } from '../../src/server';
import { createTestCa, type TestCa } from '../support/certificates';
import { silentLogger, TEST_SECRET, testConfig } from '../support/config';
import { createThrowawayMariaDb, type ThrowawayMariaDb } from '../support/mariadb';
import { runApp, startAppServer, type RunningServer } from '../support/processes';
import { createThrowawayRedis, openRedis, randomKeyPrefix, waitFor, type ThrowawayRedis } from '../support/redis';

const DATABASE = 'auth_tls';
// Tests run compiled: build/ holds app.js and src/, node_modules sits beside it.
const BUILD = path.resolve(__dirname, '..', '..');
const SEQUELIZE_CLI = path.resolve(BUILD, '..', 'node_modules', '.bin', 'sequelize-cli');
const PASSWORD = 'correct horse battery';

interface Answer {
  status: number;
  body: { access_token?: string; refresh_token?: string; error?: { code: string } };
}

/**
 * The server against a MariaDB that refuses plain TCP (require_secure_transport): every connection
 * any part of it opens (Sequelize's pool, the refresh and rate-limit pool, --create's own, the
 * sequelize-cli config) must be TLS, or the flow below fails. Then the ways TLS must refuse.
 */
describe('MySQL over TLS (a throwaway MariaDB that requires it, with a CA of its own)', function () {
  this.timeout(60_000);
  let folder: string;
  let ca: TestCa;
  let mariadb: ThrowawayMariaDb | undefined;
  let server: RunningServer | undefined;

  /** The driver's environment for MySQL at `host` (the server only listens on 127.0.0.1), as root or `user`. */
  function envFor(host: string, tls: Record<string, string>, user = 'root'): NodeJS.ProcessEnv {
    const url = new URL(mariadb?.url(DATABASE) ?? '');
    url.hostname = host;
    url.username = user;
    return {
      ...process.env,
      NODE_ENV: 'test',
      TEST_DATABASE_URL: url.toString(),
      JWT_SECRET: TEST_SECRET,
      BCRYPT_ROUNDS: '4',
      ...tls,
    };
  }

  /** Runs `node app --create` and returns what it said on stderr, expecting `code`. */
  async function create(env: NodeJS.ProcessEnv, code: number): Promise<string> {
    const outcome = await runApp(['--create'], { cwd: tmpdir(), env });
    expect(outcome.code, outcome.stdout + outcome.stderr).to.equal(code);
    // A refusal is one described line, never a stack trace.
    expect(outcome.stderr).not.to.match(/^\s+at /m);
    return outcome.stderr;
  }

  /** Runs `sql` as root, over TLS as the server requires. */
  async function asRoot(sql: string): Promise<void> {
    const connection = await mysql.createConnection({
      uri: mariadb?.url(''),
      ssl: { ca: await readFile(ca.caFile, 'utf8'), rejectUnauthorized: true },
    });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  }

  /** Serves the server the certificate `ca` signs for `altNames`, without a restart. */
  async function serveCertificate(altNames: string): Promise<void> {
    await ca.sign(altNames);
    await asRoot('FLUSH SSL');
  }

  async function post(route: string, body: object, token?: string): Promise<Answer> {
    const response = await fetch(`${server?.baseUrl ?? ''}${route}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'auth-tls-'));
    ca = await createTestCa(folder);
    await ca.sign('DNS:localhost');
    mariadb = await createThrowawayMariaDb([
      `--ssl-ca=${ca.caFile}`,
      `--ssl-cert=${ca.certFile}`,
      `--ssl-key=${ca.keyFile}`,
      '--require-secure-transport=ON',
    ]);
    await mariadb.start();
  });

  after(async () => {
    try {
      server?.child.kill('SIGTERM');
      await server?.exited;
    } finally {
      await mariadb?.destroy();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('creates, migrates and serves signup, login, refresh, logout and readiness over TLS only', async () => {
    const env = envFor('localhost', { DATABASE_TLS_CA: ca.caFile });
    await create(env, 0);
    server = await startAppServer({ cwd: tmpdir(), env });
    const email = `tls-${randomUUID()}@example.com`;
    const signup = await post('/auth/signup', { email, password: PASSWORD, name: 'TLS' });
    expect(signup.status, JSON.stringify(signup.body)).to.equal(201);
    const login = await post('/auth/login', { email, password: PASSWORD });
    expect(login.status, JSON.stringify(login.body)).to.equal(200);
    // A refresh takes the second pool (statement batches) and the rate-limit counters' batch.
    const refresh = await post('/auth/refresh', { refresh_token: login.body.refresh_token });
    expect(refresh.status, JSON.stringify(refresh.body)).to.equal(200);
    const logout = await post('/auth/logout', {}, refresh.body.access_token);
    expect(logout.status, JSON.stringify(logout.body)).to.equal(200);
    const ready = await fetch(`${server.baseUrl}/health/ready`);
    expect(ready.status).to.equal(200);
    expect(server.errors()).to.equal('');
  });

  it('lets sequelize-cli, through the config it reads, see the migrations over TLS', async () => {
    const config = path.join(BUILD, 'src', 'config', 'sequelize-cli.js');
    const { stdout } = await promisify(execFile)(
      SEQUELIZE_CLI,
      ['db:migrate:status', '--config', config, '--migrations-path', path.resolve(BUILD, '..', 'migrations')],
      { cwd: tmpdir(), env: envFor('localhost', { DATABASE_TLS_CA: ca.caFile }) },
    );
    expect(stdout).to.match(/^up\s+20261123000001-create-users\.js$/m);
  });

  it('checks the certificate against the CA alone for an IP address, whose name it cannot check', async () => {
    const stderr = await create(envFor('127.0.0.1', { DATABASE_TLS_CA: ca.caFile }), 0);
    expect(stderr).to.equal('');
  });

  it('refuses a certificate no trusted CA signed: without DATABASE_TLS_CA, the system CAs do not know this one', async () => {
    const stderr = await create(envFor('localhost', { DATABASE_TLS: 'on' }), 1);
    expect(stderr).to.include('its TLS certificate was refused').and.include('DATABASE_TLS_CA');
    expect(stderr).to.include('[HANDSHAKE_SSL_ERROR]');
  });

  it('refuses a certificate of the trusted CA that names another host', async () => {
    await serveCertificate('DNS:mysql.example.test');
    try {
      const stderr = await create(envFor('localhost', { DATABASE_TLS_CA: ca.caFile }), 1);
      expect(stderr).to.include('its TLS certificate was refused').and.include('localhost');
    } finally {
      await serveCertificate('DNS:localhost');
    }
    await create(envFor('localhost', { DATABASE_TLS_CA: ca.caFile }), 0);
  });

  it('shows a client certificate to an account that requires one (REQUIRE X509), which refuses TLS without it', async () => {
    const account = `x509_${randomUUID().slice(0, 8)}`;
    await asRoot(`CREATE USER '${account}'@'%' REQUIRE X509`);
    await asRoot(`GRANT ALL ON ${DATABASE}.* TO '${account}'@'%'`);
    const client = await ca.issueClient(account);
    const withCertificate = {
      DATABASE_TLS_CA: ca.caFile,
      DATABASE_TLS_CERT: client.certFile,
      DATABASE_TLS_KEY: client.keyFile,
    };
    expect(await create(envFor('localhost', withCertificate, account), 0)).to.equal('');
    const refused = await create(envFor('localhost', { DATABASE_TLS_CA: ca.caFile }, account), 1);
    expect(refused).to.include(`user ${account}`).and.include('access denied for this user and password [');
  });

  it('says the server may require TLS when DATABASE_TLS=off is refused', async () => {
    const stderr = await create(envFor('localhost', { DATABASE_TLS: 'off' }), 1);
    expect(stderr).to.include('or the server requires TLS (DATABASE_TLS=on)');
  });
});

describe('MySQL without TLS (a throwaway MariaDB with no certificate)', function () {
  this.timeout(60_000);
  let mariadb: ThrowawayMariaDb | undefined;

  before(async () => {
    mariadb = await createThrowawayMariaDb();
    await mariadb.start();
  });

  after(() => mariadb?.destroy());

  it('refuses to fall back to plain TCP when TLS is on: nothing is created, and the error says what to do', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      TEST_DATABASE_URL: mariadb?.url(DATABASE).replace('127.0.0.1', 'localhost'),
      DATABASE_TLS: 'on',
      JWT_SECRET: TEST_SECRET,
    };
    const outcome = await runApp(['--create'], { cwd: tmpdir(), env });
    expect(outcome.code, outcome.stdout + outcome.stderr).to.equal(1);
    expect(outcome.stderr).to.include('the server offers no TLS').and.include('[HANDSHAKE_NO_SSL_SUPPORT]');
    const connection = await mysql.createConnection({ uri: mariadb?.url('') });
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [DATABASE]);
      expect(rows).to.deep.equal([]);
    } finally {
      await connection.end();
    }
  });
});

/** A logger at info whose lines the test reads back. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string; err?: { message: string } }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, destination) };
}

describe('Redis over TLS (a throwaway redis-server that takes TLS only, with a CA of its own)', function () {
  this.timeout(60_000);
  let folder: string;
  let ca: TestCa;
  let redis: ThrowawayRedis | undefined;

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'auth-redis-tls-'));
    ca = await createTestCa(folder);
    await ca.sign('DNS:localhost');
    redis = await createThrowawayRedis({ certFile: ca.certFile, keyFile: ca.keyFile, caFile: ca.caFile });
    await redis.start();
  });

  after(async () => {
    await redis?.kill();
    await rm(folder, { recursive: true, force: true });
  });

  it('counts a login in Redis over rediss://, the certificate checked against REDIS_TLS_CA', async () => {
    const keyPrefix = randomKeyPrefix();
    const settings = { REDIS_URL: redis?.url ?? '', REDIS_TLS_CA: ca.caFile, REDIS_KEY_PREFIX: keyPrefix };
    const connections = await openRedis(settings);
    try {
      const app = request(
        createApp({ config: testConfig(settings), logger: silentLogger, redis: connections }).callback(),
      );
      const email = `redis-tls-${randomUUID()}@example.com`;
      await app.post('/auth/signup').send({ email, password: PASSWORD, name: 'TLS' }).expect(201);
      await app.post('/auth/login').send({ email, password: PASSWORD }).expect(200);
      const ready = await app.get('/health/ready').expect(200);
      expect(ready.body).to.deep.equal({ status: 'ready', redis: 'up' });
      // The per-IP counters of signup and login live in this Redis, reached only over TLS.
      const keys = await connections.commands.keys(`${keyPrefix}*`);
      expect(keys.length, keys.join()).to.be.at.least(2);
    } finally {
      connections.close();
    }
  });

  it('refuses a certificate the system CAs do not know, and says why in a warning while it retries', async () => {
    const { lines, logger } = capturedLog();
    const settings = testConfig({ REDIS_URL: redis?.url ?? '' }).redis;
    if (settings === null) throw new Error('REDIS_URL is set');
    const connections = connectRedis(settings, logger);
    try {
      await waitFor(() => lines.filter((line) => line.msg === 'redis unreachable; retrying').length === 2);
      expect(connections.isUp()).to.equal(false);
      for (const line of lines) {
        expect(line.level, line.msg).to.equal(40);
        expect(line.err?.message).to.include('self-signed certificate');
      }
    } finally {
      connections.close();
    }
  });
});

describe('Redis over TLS that asks for a client certificate (tls-auth-clients yes)', function () {
  this.timeout(60_000);
  let folder: string;
  let ca: TestCa;
  let client: { certFile: string; keyFile: string };
  let redis: ThrowawayRedis | undefined;

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'auth-redis-mtls-'));
    ca = await createTestCa(folder);
    await ca.sign('DNS:localhost');
    client = await ca.issueClient('auth-server');
    redis = await createThrowawayRedis({ certFile: ca.certFile, keyFile: ca.keyFile, caFile: ca.caFile, client });
    await redis.start();
  });

  after(async () => {
    await redis?.kill();
    await rm(folder, { recursive: true, force: true });
  });

  it('is reached with REDIS_TLS_CERT and REDIS_TLS_KEY, and never without them', async () => {
    const settings = { REDIS_URL: redis?.url ?? '', REDIS_TLS_CA: ca.caFile, REDIS_KEY_PREFIX: randomKeyPrefix() };
    const withCertificate = await openRedis({
      ...settings,
      REDIS_TLS_CERT: client.certFile,
      REDIS_TLS_KEY: client.keyFile,
    });
    try {
      expect(await withCertificate.commands.ping()).to.equal('PONG');
    } finally {
      withCertificate.close();
    }
    const without = testConfig(settings).redis;
    if (without === null) throw new Error('REDIS_URL is set');
    const { lines, logger } = capturedLog();
    const refused = connectRedis(without, logger);
    try {
      // The server ends the handshake of a client that shows no certificate: a warning per connection, never up.
      await waitFor(() => lines.filter((line) => line.msg === 'redis unreachable; retrying').length === 2);
      expect(refused.isUp()).to.equal(false);
    } finally {
      refused.close();
    }
  });
});
