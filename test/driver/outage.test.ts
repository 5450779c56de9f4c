import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { QUERY_TIMEOUT_CODE } from '../../src/db/query-watchdog';
import { TEST_SECRET } from '../support/config';
import { createThrowawayMariaDb, type ThrowawayMariaDb } from '../support/mariadb';
import { runApp, startAppServer, type RunningServer } from '../support/processes';

const QUERY_TIMEOUT_MS = 1500;
// MySQL gone: the connection is refused at once, so 2 s is already slack for a loaded machine.
const REFUSED_BOUND_MS = 2000;
// MySQL frozen: the watchdog (or the shorter connect timeout) decides, plus slack; a rate-limited
// route may wait out the limiter's query first (it then falls back to memory), then its own.
const FROZEN_BOUND_MS = 2 * QUERY_TIMEOUT_MS + 1500;
const RECOVERY_BOUND_MS = 5000;
const PASSWORD = 'correct horse battery';

interface Answer {
  status: number;
  body: { error?: { code: string; details?: Array<{ field: string }> }; access_token?: string; refresh_token?: string };
  elapsedMs: number;
}

interface Call {
  method?: 'GET' | 'POST';
  token?: string;
  body?: object;
}

describe('MySQL outage (a throwaway MariaDB this file starts, kills and freezes)', function () {
  this.timeout(60_000);
  let mariadb: ThrowawayMariaDb | undefined;
  let server: RunningServer;

  async function call(path: string, { method = 'GET', token, body }: Call = {}): Promise<Answer> {
    const started = Date.now();
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // A hang fails this test with a clear message instead of at the mocha timeout.
      signal: AbortSignal.timeout(15_000),
    });
    return {
      status: response.status,
      body: (await response.json()) as Answer['body'],
      elapsedMs: Date.now() - started,
    };
  }

  /** Signs up a fresh user; its tokens have never been used, so no cache knows them. */
  async function signup(): Promise<{ email: string; accessToken: string; refreshToken: string }> {
    const email = `outage-${randomUUID()}@example.com`;
    const answer = await call('/auth/signup', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Outage' },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return { email, accessToken: String(answer.body.access_token), refreshToken: String(answer.body.refresh_token) };
  }

  interface Fixtures {
    known: Awaited<ReturnType<typeof signup>>;
    loggedOut: Awaited<ReturnType<typeof signup>>;
    unseen: Awaited<ReturnType<typeof signup>>;
  }

  /** Users made while MySQL is up, whose tokens no cache has seen yet. */
  async function fixtures(): Promise<Fixtures> {
    const [known, loggedOut, unseen] = await Promise.all([signup(), signup(), signup()]);
    return { known, loggedOut, unseen };
  }

  /** Every kind of call that needs MySQL, each timed on its own. */
  async function callsNeedingMysql({ known, loggedOut, unseen }: Fixtures): Promise<Record<string, Answer>> {
    return {
      signup: await call('/auth/signup', {
        method: 'POST',
        body: { email: `outage-${randomUUID()}@example.com`, password: PASSWORD, name: 'Outage' },
      }),
      login: await call('/auth/login', {
        method: 'POST',
        body: { email: known.email, password: PASSWORD },
      }),
      refresh: await call('/auth/refresh', { method: 'POST', body: { refresh_token: known.refreshToken } }),
      logout: await call('/auth/logout', { method: 'POST', token: loggedOut.accessToken, body: {} }),
      user: await call('/auth/user', { token: unseen.accessToken }),
      ready: await call('/health/ready'),
    };
  }

  function expectAllUnavailable(answers: Record<string, Answer>, boundMs: number): void {
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).to.equal(503);
      expect(answer.body.error?.code, name).to.equal('SERVICE_UNAVAILABLE');
      expect(answer.elapsedMs, `${name} took ${answer.elapsedMs} ms`).to.be.below(boundMs);
    }
  }

  /** Polls readiness until it is 200, failing if that takes longer than the recovery bound. */
  async function untilReady(): Promise<void> {
    const started = Date.now();
    while ((await call('/health/ready')).status !== 200) {
      expect(Date.now() - started, 'recovery time').to.be.below(RECOVERY_BOUND_MS);
      await sleep(50);
    }
  }

  function expectServerAlive(): void {
    expect(server.child.exitCode, server.errors()).to.equal(null);
    expect(() => process.kill(Number(server.child.pid), 0)).not.to.throw();
    expect(server.errors()).not.to.match(/unhandled|uncaught|^\s+at /im);
  }

  before(async () => {
    mariadb = await createThrowawayMariaDb();
    await mariadb.start();
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      TEST_DATABASE_URL: mariadb.url('auth_outage'),
      JWT_SECRET: TEST_SECRET,
      BCRYPT_ROUNDS: '4',
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_ACQUIRE_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      // Long enough that a token seen before the outage is still cached during it.
      REVOCATION_CACHE_TTL_MS: '60000',
      PURGE_INTERVAL_SECONDS: '1',
    };
    const created = await runApp(['--create'], { cwd: tmpdir(), env });
    expect(created.code, created.stderr).to.equal(0);
    server = await startAppServer({ cwd: tmpdir(), env });
  });

  after(async () => {
    // Unset when before() failed early; MariaDB must be stopped all the same.
    const started = server as RunningServer | undefined;
    try {
      started?.child.kill('SIGTERM');
      await started?.exited;
    } finally {
      await mariadb?.destroy();
    }
  });

  it('serves signup, login and readiness while MySQL is up', async () => {
    const { email } = await signup();
    const login = await call('/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
    expect(login.status).to.equal(200);
    expect((await call('/health/ready')).status).to.equal(200);
  });

  it('answers 503 SERVICE_UNAVAILABLE at once when MySQL is killed; live stays 200, cached tokens still pass', async () => {
    const data = await fixtures();
    const cached = await signup();
    expect((await call('/auth/user', { token: cached.accessToken })).status).to.equal(200);

    await mariadb?.signal('SIGKILL');
    const answers = await callsNeedingMysql(data);
    expectAllUnavailable(answers, REFUSED_BOUND_MS);
    expect(answers.ready?.body.error?.details?.[0]?.field).to.equal('database');
    expect((await call('/health/live')).status).to.equal(200);
    // Within REVOCATION_CACHE_TTL_MS a token this process has seen still authenticates from memory...
    expect((await call('/auth/user', { token: cached.accessToken })).status).to.equal(200);
    // ...but anything that writes still needs MySQL.
    expect((await call('/auth/logout', { method: 'POST', token: cached.accessToken, body: {} })).status).to.equal(503);
    expectServerAlive();
  });

  it('recovers without a restart once MySQL is back on the same data directory', async () => {
    await mariadb?.start();
    await untilReady();
    const { email } = await signup();
    const login = await call('/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
    expect(login.status).to.equal(200);
    expectServerAlive();
  });

  it('answers 503 within the query timeout while MySQL is frozen (SIGSTOP), and recovers on SIGCONT', async () => {
    const data = await fixtures();
    await mariadb?.signal('SIGSTOP');
    try {
      const answers = await callsNeedingMysql(data);
      expectAllUnavailable(answers, FROZEN_BOUND_MS);
      // The query watchdog cut at least one query that sat on an open pooled connection.
      expect(server.output()).to.include(QUERY_TIMEOUT_CODE);
      expect((await call('/health/live')).status).to.equal(200);
    } finally {
      await mariadb?.signal('SIGCONT');
    }
    await untilReady();
    const login = await call('/auth/login', {
      method: 'POST',
      body: { email: data.known.email, password: PASSWORD },
    });
    expect(login.status).to.equal(200);
    expectServerAlive();
  });

  it('kept purging every second: failures were logged, not fatal, and purging resumed', async () => {
    const lastFailure = server.output().lastIndexOf('"msg":"purge failed"');
    expect(lastFailure).to.be.greaterThan(-1);
    const started = Date.now();
    while (!server.output().includes('"msg":"purged expired rows"', lastFailure)) {
      expect(Date.now() - started, 'no purge succeeded after the outage').to.be.below(RECOVERY_BOUND_MS);
      await sleep(100);
    }
    expectServerAlive();
  });
});
