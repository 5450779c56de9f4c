import { expect } from 'chai';
import mysql from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchesOf, createSequelize } from '../../src/db/sequelize';
import { initModels } from '../../src/models';
import { createRateLimitCounters } from '../../src/repositories/rate-limits.repository';
import { TEST_SECRET, testConfig, UNREACHED_RATE_LIMITS } from '../support/config';
import { testSequelize } from '../support/database';
import { createGaleraCluster, type GaleraCluster } from '../support/galera';
import { runApp, startAppServer, type RunningServer } from '../support/processes';
import { LOCAL_REDIS_URL, randomKeyPrefix } from '../support/redis';

const DATABASE = 'auth_galera';
const PASSWORD = 'correct horse battery staple';
const RACES = 15;
const CACHE_TTL_MS = 1000;

interface Answer {
  status: number;
  code: string | null;
  body: Record<string, unknown>;
}

async function call(
  server: RunningServer,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  const error = body.error as { code?: string } | undefined;
  return { status: response.status, code: error?.code ?? null, body };
}

const field = (answer: Answer, name: string): string => {
  const value = answer.body[name];
  if (typeof value !== 'string') throw new Error(`no ${name} in ${JSON.stringify(answer.body)}`);
  return value;
};

const email = (): string => `galera-${randomUUID()}@example.com`;

interface Tokens {
  access: string;
  refresh: string;
  /** The session: the access token's `sid`. */
  sessionId: string;
}

function tokensOf(answer: Answer): Tokens {
  const access = field(answer, 'access_token');
  const claims = JSON.parse(Buffer.from(access.split('.')[1] ?? '', 'base64url').toString()) as { sid: string };
  return { access, refresh: field(answer, 'refresh_token'), sessionId: claims.sid };
}

/** Polls until `check` is true; resolves with how long it took, or rejects after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) throw new Error(`not true within ${limitMs} ms`);
    await sleep(10);
  }
  return Date.now() - start;
}

describe('on a three-node MariaDB Galera cluster', function () {
  this.timeout(240_000);

  let cluster: GaleraCluster;
  /** A on node 1 and B on node 3 share Redis; C on node 2 has none (the TTL bound alone). */
  let a: RunningServer;
  let b: RunningServer;
  let c: RunningServer;

  function environment(node: number, redis: { url: string; prefix: string } | null): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'test',
      TEST_DATABASE_URL: cluster.url(node, DATABASE),
      JWT_SECRET: TEST_SECRET,
      BCRYPT_ROUNDS: '4',
      REVOCATION_CACHE_TTL_MS: String(CACHE_TTL_MS),
      PURGE_INTERVAL_SECONDS: '0',
      ...UNREACHED_RATE_LIMITS,
      ...(redis === null ? {} : { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix }),
    };
  }

  before(async () => {
    cluster = await createGaleraCluster();
    const created = await runApp(['--create'], { cwd: tmpdir(), env: environment(0, null) });
    expect(created.code, created.stderr).to.equal(0);
    const redis = { url: LOCAL_REDIS_URL, prefix: randomKeyPrefix() };
    [a, b, c] = await Promise.all([
      startAppServer({ cwd: tmpdir(), env: environment(0, redis) }),
      startAppServer({ cwd: tmpdir(), env: environment(2, redis) }),
      startAppServer({ cwd: tmpdir(), env: environment(1, null) }),
    ]);
  });

  after(async () => {
    for (const server of [a, b, c]) server.child.kill('SIGTERM');
    await Promise.all([a, b, c].map((server) => server.exited));
    await cluster.destroy();
  });

  /** A signup on A; returns its tokens and the session id (the access token's `sid`). */
  async function signup(): Promise<Tokens & { email: string }> {
    const address = email();
    const answer = await call(a, 'POST', '/auth/signup', { body: { email: address, password: PASSWORD, name: 'G' } });
    expect(answer.status).to.equal(201);
    return { ...tokensOf(answer), email: address };
  }

  /** A second session of the same user, by a login on A. */
  async function login(address: string): Promise<Tokens> {
    const answer = await call(a, 'POST', '/auth/login', { body: { email: address, password: PASSWORD } });
    expect(answer.status).to.equal(200);
    return tokensOf(answer);
  }

  /** How many rows `node` holds that `sql` counts (one `?` bound to `value`). */
  async function countOn(node: number, sql: string, value: string): Promise<number> {
    const connection = await mysql.createConnection(cluster.url(node, DATABASE));
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(sql, [value]);
      return Number(rows[0]?.count);
    } finally {
      await connection.end();
    }
  }

  /** How many `users` rows node 2 holds for `address`. */
  const usersWithEmail = (address: string): Promise<number> =>
    countOn(1, 'SELECT COUNT(*) AS count FROM users WHERE email = ?', address);

  const noServerError = (answers: Answer[]): void => {
    const failed = answers.filter((answer) => answer.status >= 500);
    expect(failed, JSON.stringify(failed)).to.deep.equal([]);
  };

  it('serves one user base from every node', async () => {
    const address = email();
    expect(
      (await call(a, 'POST', '/auth/signup', { body: { email: address, password: PASSWORD, name: 'G' } })).status,
    ).to.equal(201);
    // Galera applies a write-set on the other nodes just after the commit on A: a read there may
    // come a few milliseconds early.
    await within(
      1000,
      async () =>
        (await call(b, 'POST', '/auth/login', { body: { email: address, password: PASSWORD } })).status === 200,
    );
    expect((await call(c, 'POST', '/auth/login', { body: { email: address, password: PASSWORD } })).status).to.equal(
      200,
    );
  });

  it('refuses on every node a token logged out on one: within the fan-out with Redis, within the TTL without', async () => {
    const { access } = await signup();
    for (const server of [a, b, c])
      expect((await call(server, 'GET', '/auth/user', { token: access })).status).to.equal(200);
    expect((await call(a, 'POST', '/auth/logout', { token: access })).status).to.equal(200);
    const withRedis = await within(
      2000,
      async () => (await call(b, 'GET', '/auth/user', { token: access })).status === 401,
    );
    const withoutRedis = await within(
      CACHE_TTL_MS + 500,
      async () => (await call(c, 'GET', '/auth/user', { token: access })).status === 401,
    );
    expect(withRedis).to.be.below(250);
    expect(withoutRedis).to.be.at.most(CACHE_TTL_MS + 250);
  });

  it(`settles ${RACES} cross-node signups of one email: one 201, one 409, one row`, async () => {
    const answers: Answer[] = [];
    for (let race = 0; race < RACES; race += 1) {
      const body = { email: email(), password: PASSWORD, name: 'G' };
      const pair = await Promise.all([
        call(a, 'POST', '/auth/signup', { body }),
        call(b, 'POST', '/auth/signup', { body }),
      ]);
      answers.push(...pair);
      expect(pair.map((answer) => answer.status).sort()).to.deep.equal([201, 409]);
      expect(await usersWithEmail(body.email)).to.equal(1);
    }
    noServerError(answers);
  });

  it(`settles ${RACES} cross-node rotations of one refresh token: at most one successor`, async () => {
    const answers: Answer[] = [];
    for (let race = 0; race < RACES; race += 1) {
      const { refresh } = await signup();
      const pair = await Promise.all([
        call(a, 'POST', '/auth/refresh', { body: { refresh_token: refresh } }),
        call(b, 'POST', '/auth/refresh', { body: { refresh_token: refresh } }),
      ]);
      answers.push(...pair);
      expect(pair.filter((answer) => answer.status === 200)).to.have.length.at.most(1);
      for (const answer of pair) {
        if (answer.status !== 200) expect(answer.code).to.be.oneOf(['REFRESH_CONFLICT', 'REFRESH_TOKEN_REVOKED']);
      }
    }
    noServerError(answers);
  });

  it(`counts ${RACES * 2} rate-limit attempts on one key from two nodes at once: each counted once, each told its own count`, async () => {
    const { databasePool } = testConfig();
    const one = createSequelize({ databaseUrl: cluster.url(0, DATABASE), databasePool, databaseTls: null });
    const three = createSequelize({ databaseUrl: cluster.url(2, DATABASE), databasePool, databaseTls: null });
    try {
      const onOne = createRateLimitCounters(batchesOf(one));
      const onThree = createRateLimitCounters(batchesOf(three));
      const key = `galera:${randomUUID()}`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: RACES * 2 }, (_, index) =>
          (index % 2 === 0 ? onOne : onThree).change({ key, points: 1, msDuration: 60_000, forceExpire: false }),
        ),
      );
      const counted = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.points] : []));
      // A certification conflict Galera could not settle by retrying reaches the limiter as an
      // error (it then counts in memory); whatever was answered was counted once, and no two
      // attempts were told the same count.
      expect(new Set(counted).size).to.equal(counted.length);
      expect(counted.length).to.be.greaterThan(0);
      await within(
        1000,
        async () =>
          (await countOn(1, 'SELECT points AS count FROM rate_limits WHERE `key` = ?', key)) === counted.length,
      );
    } finally {
      initModels(testSequelize());
      await Promise.all([one.close(), three.close()]);
    }
  });

  /**
   * Races a revocation on A, made from one session of a user, against a refresh on B of another
   * session of that user, RACES times: no 5xx, and once the revocation answered 200, nothing the
   * refresh returned may still work anywhere.
   */
  async function raceRevocation(revoke: (actor: Tokens, victim: Tokens) => Promise<Answer>): Promise<void> {
    const answers: Answer[] = [];
    for (let race = 0; race < RACES; race += 1) {
      const actor = await signup();
      const victim = await login(actor.email);
      // The race is between the revocation and the refresh, not between the login's write-set and
      // B's node: wait until B's node has applied the session (reads trail writes by milliseconds).
      await within(
        1000,
        async () =>
          (await countOn(2, 'SELECT COUNT(*) AS count FROM sessions WHERE family_id = ?', victim.sessionId)) > 0,
      );
      const [revoked, refreshed] = await Promise.all([
        revoke(actor, victim),
        call(b, 'POST', '/auth/refresh', { body: { refresh_token: victim.refresh } }),
      ]);
      answers.push(revoked, refreshed);
      expect(revoked.status).to.equal(200);
      if (refreshed.status === 200) {
        const successor = tokensOf(refreshed);
        expect(
          (await call(a, 'POST', '/auth/refresh', { body: { refresh_token: successor.refresh } })).status,
        ).to.equal(401);
        await within(
          CACHE_TTL_MS + 250,
          async () => (await call(a, 'GET', '/auth/user', { token: successor.access })).status === 401,
        );
      } else {
        expect(refreshed.code).to.be.oneOf(['REFRESH_TOKEN_REVOKED', 'REFRESH_CONFLICT']);
      }
    }
    noServerError(answers);
  }

  it(`loses no logout-all racing a refresh on another node (${RACES} races)`, () =>
    raceRevocation((actor) => call(a, 'POST', '/auth/logout', { token: actor.access, body: { scope: 'all' } })));

  it(`loses no session revocation racing a refresh on another node (${RACES} races)`, () =>
    raceRevocation((actor, victim) =>
      call(a, 'DELETE', `/auth/sessions/${victim.sessionId}`, { token: actor.access }),
    ));

  it(`loses no password change racing a refresh on another node (${RACES} races)`, () =>
    raceRevocation((actor) =>
      call(a, 'POST', '/auth/password', {
        token: actor.access,
        body: { current_password: PASSWORD, new_password: `${PASSWORD} again` },
      }),
    ));

  it('answers 503 on the instance whose node died, keeps serving on the others, recovers when it rejoins', async () => {
    const address = email();
    expect(
      (await call(a, 'POST', '/auth/signup', { body: { email: address, password: PASSWORD, name: 'G' } })).status,
    ).to.equal(201);
    const credentials = { body: { email: address, password: PASSWORD } };
    await cluster.kill(2);
    const down = await call(b, 'POST', '/auth/login', credentials);
    expect(down.status).to.equal(503);
    expect((await call(b, 'GET', '/health/ready')).status).to.equal(503);
    expect((await call(a, 'POST', '/auth/login', credentials)).status).to.equal(200);
    expect((await call(c, 'POST', '/auth/login', credentials)).status).to.equal(200);
    await cluster.rejoin(2);
    await within(10_000, async () => (await call(b, 'POST', '/auth/login', credentials)).status === 200);
    expect((await call(b, 'GET', '/health/ready')).status).to.equal(200);
  });
});
