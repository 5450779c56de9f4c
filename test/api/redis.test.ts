import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { connectRedis } from '../../src/db/redis';
import { accountKey } from '../../src/services/rate-limit.service';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from '../support/config';
import { testSequelize } from '../support/database';
import { createUser, uniqueEmail } from '../support/factories';
import { sampleValue } from '../support/metrics';
import { inspector, randomKeyPrefix, useRedisApps, waitFor } from '../support/redis';

// An address of 198.18.0.0/15 per test, so the MySQL counters of other suites never meet ours.
const fakeIp = (): string => `198.19.${randomInt(0, 256)}.${randomInt(0, 256)}`;

async function mysqlRowsOf(keys: string[]): Promise<number> {
  const rows = await testSequelize().query<{ count: number }>(
    'SELECT COUNT(*) AS count FROM rate_limits WHERE `key` IN (?)',
    { replacements: [keys], type: QueryTypes.SELECT },
  );
  return rows[0]?.count ?? 0;
}

describe('with REDIS_URL set', function () {
  this.timeout(60_000);
  const apps = useRedisApps({ TRUST_PROXY: 'true' });
  const instance = apps.instance;

  it('counts login attempts in Redis: no rate_limits row in MySQL, a counter per rule in Redis', async () => {
    const app = await instance({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '5' });
    const { user, password } = await createUser();
    const ip = fakeIp();
    const failed = await app.post('/auth/login').set('X-Forwarded-For', ip).send({ email: user.email, password: 'x' });
    expect(failed.status).to.equal(401);
    const client = inspector();
    try {
      expect(await client.get(`${apps.keyPrefix()}rate:loginPerIp:${ip}`)).to.equal('1');
      expect(await client.get(`${apps.keyPrefix()}rate:loginFailuresPerAccount:${accountKey(user.email)}`)).to.equal(
        '1',
      );
      const succeeded = await app.post('/auth/login').set('X-Forwarded-For', ip).send({ email: user.email, password });
      expect(succeeded.status).to.equal(200);
      expect(await client.get(`${apps.keyPrefix()}rate:loginPerIp:${ip}`)).to.equal('2');
      // A success ends the run of failures.
      expect(await client.get(`${apps.keyPrefix()}rate:loginFailuresPerAccount:${accountKey(user.email)}`)).to.equal(
        null,
      );
    } finally {
      client.disconnect();
    }
    expect(await mysqlRowsOf([`loginPerIp:${ip}`, `loginFailuresPerAccount:${accountKey(user.email)}`])).to.equal(0);
  });

  it('shares the counters between instances: failures on A and B add up to a 429', async () => {
    const limits = { RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '2' };
    const [a, b] = [await instance(limits), await instance(limits)];
    const email = uniqueEmail();
    const attempt = (app: typeof a) =>
      app.post('/auth/login').set('X-Forwarded-For', fakeIp()).send({ email, password: 'wrong' });
    expect((await attempt(a)).status).to.equal(401);
    expect((await attempt(b)).status).to.equal(401);
    const third = await attempt(a);
    expect(third.status).to.equal(429);
    expect(third.body.error.code).to.equal('RATE_LIMITED');
  });

  it('reports Redis up on GET /health/ready', async () => {
    const response = await (await instance()).get('/health/ready');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ready', redis: 'up' });
  });

  it('fans a logout out: B refuses the token at once although its cache had it as valid for a minute', async () => {
    const cacheForAMinute = { REVOCATION_CACHE_TTL_MS: '60000' };
    const [a, b] = [await instance(cacheForAMinute), await instance(cacheForAMinute)];
    const { user, password } = await createUser();
    const login = await a.post('/auth/login').send({ email: user.email, password }).expect(200);
    const bearer = `Bearer ${(login.body as { access_token: string }).access_token}`;
    expect((await b.get('/auth/user').set('Authorization', bearer)).status).to.equal(200);

    expect((await a.post('/auth/logout').set('Authorization', bearer)).status).to.equal(200);
    await waitFor(async () => (await b.get('/auth/user').set('Authorization', bearer)).status === 401, 5_000);

    // A counts its publication when Redis acknowledges it, which may come after B has the message.
    await waitFor(async () => {
      const text = (await a.get('/metrics')).text;
      return sampleValue(text, 'auth_revocation_messages_total', { event: 'published' }) === 1;
    }, 5_000);
    const metricsOfB = (await b.get('/metrics')).text;
    expect(sampleValue(metricsOfB, 'auth_revocation_messages_total', { event: 'received' })).to.equal(1);
    expect(sampleValue(metricsOfB, 'auth_revocation_messages_total', { event: 'applied' })).to.equal(1);
    expect(sampleValue(metricsOfB, 'auth_revocation_fanout_lag_seconds_count')).to.equal(1);
  });

  it('fans out logout-all: every token of the user is refused on B, sessions included', async () => {
    const cacheForAMinute = { REVOCATION_CACHE_TTL_MS: '60000' };
    const [a, b] = [await instance(cacheForAMinute), await instance(cacheForAMinute)];
    const { user, password } = await createUser();
    const tokens: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const login = await a.post('/auth/login').send({ email: user.email, password }).expect(200);
      tokens.push(`Bearer ${(login.body as { access_token: string }).access_token}`);
    }
    for (const bearer of tokens) expect((await b.get('/auth/user').set('Authorization', bearer)).status).to.equal(200);
    await a
      .post('/auth/logout')
      .set('Authorization', tokens[0] ?? '')
      .send({ scope: 'all' })
      .expect(200);
    await waitFor(async () => {
      const statuses = await Promise.all(tokens.map((bearer) => b.get('/auth/user').set('Authorization', bearer)));
      return statuses.every((response) => response.status === 401);
    }, 5_000);
  });

  it('ignores a malformed message on the channel and counts it as rejected', async () => {
    const app = await instance();
    const client = inspector();
    try {
      await client.publish(`${apps.keyPrefix()}revocations`, '{"userId":"not a number"}');
    } finally {
      client.disconnect();
    }
    await waitFor(async () => {
      const text = (await app.get('/metrics')).text;
      return sampleValue(text, 'auth_revocation_messages_total', { event: 'rejected' }) === 1;
    }, 5_000);
    expect((await app.get('/health/live')).status).to.equal(200);
  });
});

describe('with REDIS_URL set and Redis down', function () {
  this.timeout(60_000);

  it('keeps limits in memory, answers no 5xx, and reports Redis degraded', async () => {
    // Nothing listens on port 1: every connection attempt is refused, as when Redis is down.
    const settings = {
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_KEY_PREFIX: randomKeyPrefix(),
      TRUST_PROXY: 'true',
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '1',
    };
    const config = testConfig(settings);
    if (config.redis === null) throw new Error('REDIS_URL is set');
    const redis = connectRedis(config.redis, silentLogger);
    try {
      const app = request(createApp({ config, logger: silentLogger, redis }).callback());
      const ready = await app.get('/health/ready');
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.equal({ status: 'ready', redis: 'degraded' });

      const { user, password } = await createUser();
      const email = user.email;
      const ip = fakeIp();
      const success = await app.post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });
      expect(success.status).to.equal(200);
      const wrong = await app.post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: 'x' });
      expect(wrong.status).to.equal(401);
      expect((await app.post('/auth/login').set('X-Forwarded-For', ip).send({ email, password })).status).to.equal(429);

      const bearer = `Bearer ${(success.body as { access_token: string }).access_token}`;
      expect((await app.post('/auth/logout').set('Authorization', bearer)).status).to.equal(200);
      expect((await app.get('/auth/user').set('Authorization', bearer)).status).to.equal(401);
      const text = (await app.get('/metrics')).text;
      expect(sampleValue(text, 'auth_revocation_messages_total', { event: 'publish_failed' })).to.equal(1);
      expect(await mysqlRowsOf([`loginPerIp:${ip}`])).to.equal(0);
    } finally {
      redis.close();
    }
  });
});
