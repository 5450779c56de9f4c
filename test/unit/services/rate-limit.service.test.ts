import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { RateLimitSettings } from '../../../src/config';
import {
  accountKey,
  clientKey,
  createRateLimiter,
  type RateLimiter,
  type RateLimitStore,
} from '../../../src/services/rate-limit.service';
import { testConfig } from '../../support/config';
import { testSequelize, withDatabaseDown } from '../../support/database';
import { batchesOf, createSequelize } from '../../../src/db/sequelize';
import { createRateLimitCounters } from '../../../src/repositories/rate-limits.repository';
import { inspector, openRedis, randomKeyPrefix, LOCAL_REDIS_URL } from '../../support/redis';

const SETTINGS: RateLimitSettings = {
  windowSeconds: 60,
  signupPerIp: 2,
  loginPerIp: 2,
  loginFailuresPerAccount: 2,
  refreshPerIp: 2,
  passwordPerIp: 2,
  passwordFailuresPerAccount: 2,
  adapterSecretFailuresPerIp: 2,
  oidcLoginPerIp: 2,
  oidcExchangePerIp: 2,
  mailPerIp: 2,
  mailPerAccount: 2,
  emailTokenPerIp: 2,
};

describe('clientKey', () => {
  it('keeps an IPv4 address and unwraps an IPv4-mapped IPv6 one', () => {
    expect(clientKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
  });

  it('keys IPv6 by its /64, so addresses of one subscriber share a budget', () => {
    expect(clientKey('2001:db8:1:2::1')).to.equal('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).to.equal('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).to.equal('2001:db8:1:3::/64');
  });

  it('puts everything unparsable under one key', () => {
    expect(clientKey('')).to.equal('unknown');
    expect(clientKey('not-an-ip')).to.equal('unknown');
  });
});

describe('accountKey', () => {
  it('is a hash that does not contain the email', () => {
    const key = accountKey('someone@example.com');
    expect(key).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(key).to.equal(accountKey('someone@example.com'));
    expect(key).to.not.equal(accountKey('someone-else@example.com'));
  });
});

describe('createRateLimiter', () => {
  it('keeps limiting in memory, without throwing, when MySQL cannot be reached', async () => {
    // Nothing listens there: every store call fails with a refused connection, on both pools.
    await withDatabaseDown(async (unreachable) => {
      const limiter = createRateLimiter(SETTINGS, { sequelize: unreachable, queryTimeoutMs: 1_000 });
      const key = '203.0.113.9';
      const started = Date.now();
      const answers = [await limiter.consume('loginPerIp', key), await limiter.consume('loginPerIp', key)];
      await limiter.refund('loginPerIp', key);
      answers.push(await limiter.consume('loginPerIp', key), await limiter.consume('loginPerIp', key));
      await limiter.reset('loginPerIp', key);
      answers.push(await limiter.consume('loginPerIp', key));

      expect(
        answers.map(({ retryAfterSeconds }) => (retryAfterSeconds === null ? 'allowed' : 'limited')),
      ).to.deep.equal(['allowed', 'allowed', 'allowed', 'limited', 'allowed']);
      expect(answers.map(({ tookLastPoint }) => tookLastPoint)).to.deep.equal([false, true, true, false, false]);
      expect(answers[3]?.retryAfterSeconds).to.be.within(1, 60);
      expect(Date.now() - started).to.be.below(5_000);
    });
  });
});

describe('createRateLimiter on a MySQL that accepts connections and never answers (frozen)', () => {
  const TIMEOUT_MS = 300;
  let silent: Server;
  const sockets = new Set<Socket>();

  before(async () => {
    silent = createServer((socket) => sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await once(silent, 'close');
  });

  it('waits out one timeout, then every rule goes straight to memory while MySQL stays out of reach', async () => {
    const { port } = silent.address() as AddressInfo;
    const { databasePool } = testConfig();
    await withDatabaseDown(async () => {
      const frozen = createSequelize({
        databaseUrl: `mysql://root@127.0.0.1:${port}/frozen`,
        databaseTls: null,
        databasePool: {
          ...databasePool,
          connectTimeoutMs: TIMEOUT_MS,
          acquireTimeoutMs: TIMEOUT_MS,
          queryTimeoutMs: TIMEOUT_MS,
        },
      });
      try {
        const limiter = createRateLimiter(SETTINGS, { sequelize: frozen, queryTimeoutMs: TIMEOUT_MS });
        const timed = async (work: () => Promise<unknown>): Promise<number> => {
          const started = Date.now();
          await work();
          return Date.now() - started;
        };
        const first = await timed(() => limiter.consume('loginPerIp', '203.0.113.10'));
        // A login counts per IP, then per account: the second must not wait out a second timeout.
        const next = await timed(async () => {
          await limiter.consume('loginFailuresPerAccount', 'an-account');
          await limiter.refund('loginFailuresPerAccount', 'an-account');
          await limiter.reset('loginFailuresPerAccount', 'an-account');
        });
        expect(first).to.be.at.least(TIMEOUT_MS - 50);
        expect(next).to.be.below(TIMEOUT_MS / 2);
      } finally {
        await frozen.close();
      }
    });
  });
});

/** Ten attempts at once on a budget of 2: exactly one is told it took the last point, on any store. */
async function expectOneLastPoint(limiter: RateLimiter): Promise<void> {
  const key = randomBytes(12).toString('base64url');
  const answers = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('loginFailuresPerAccount', key)));
  expect(answers.filter(({ tookLastPoint }) => tookLastPoint)).to.have.length(1);
  expect(answers.filter(({ retryAfterSeconds }) => retryAfterSeconds === null)).to.have.length(2);
  const after = await limiter.consume('loginFailuresPerAccount', key);
  expect(after.tookLastPoint).to.equal(false);
  expect(after.retryAfterSeconds).to.be.within(1, 60);
}

describe('createRateLimiter: the attempt that takes the last point', function () {
  this.timeout(20_000);

  it('is told to exactly one of concurrent attempts on the MySQL store', async () => {
    const store: RateLimitStore = {
      sequelize: testSequelize(),
      queryTimeoutMs: testConfig().databasePool.queryTimeoutMs,
    };
    await expectOneLastPoint(createRateLimiter(SETTINGS, store));
  });

  it('is told to exactly one of concurrent attempts on the Redis store', async () => {
    const keyPrefix = randomKeyPrefix();
    const redis = await openRedis({ REDIS_URL: LOCAL_REDIS_URL, REDIS_KEY_PREFIX: keyPrefix });
    const client = inspector();
    try {
      await expectOneLastPoint(createRateLimiter(SETTINGS, { redis }));
      // The counter lived in Redis: the test's prefix holds it.
      expect(await client.keys(`${keyPrefix}*`)).to.have.length.greaterThan(0);
    } finally {
      const keys = await client.keys(`${keyPrefix}*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
      redis.close();
    }
  });
});

describe("createRateLimitCounters (the MySQL limiter's counters, against the real test database)", () => {
  const counters = () => createRateLimitCounters(batchesOf(testSequelize()));
  const key = () => `test:${randomBytes(12).toString('base64url')}`;
  const change = (points: number, options: { key: string; msDuration?: number; forceExpire?: boolean }) =>
    counters().change({
      key: options.key,
      points,
      msDuration: options.msDuration ?? 60_000,
      forceExpire: options.forceExpire ?? false,
    });

  it('starts a window at the points given and adds to it within the window', async () => {
    const counter = key();
    const before = Date.now();
    const first = await change(1, { key: counter });
    expect(first.points).to.equal(1);
    expect(first.expire).to.be.within(before + 60_000, Date.now() + 60_000);
    expect(await change(2, { key: counter })).to.deep.equal({ points: 3, expire: first.expire });
  });

  it('starts a new window once the last one ended, and when forced', async () => {
    const counter = key();
    await change(5, { key: counter, msDuration: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const restarted = await change(1, { key: counter });
    expect(restarted.points).to.equal(1);
    expect(restarted.expire).to.be.greaterThan(Date.now() + 50_000);
    await change(3, { key: counter });
    const forced = await change(2, { key: counter, msDuration: 120_000, forceExpire: true });
    expect(forced.points).to.equal(2);
    expect(forced.expire).to.be.greaterThan(Date.now() + 110_000);
  });

  it('never counts below zero: a refund gives back at most a fresh window', async () => {
    const counter = key();
    await change(1, { key: counter });
    expect((await change(-3, { key: counter })).points).to.equal(0);
    expect((await change(1, { key: counter })).points).to.equal(1);
    expect((await change(-1, { key: key() })).points).to.equal(0);
  });

  it('keeps a window of duration 0 for ever', async () => {
    const counter = key();
    expect(await change(1, { key: counter, msDuration: 0 })).to.deep.equal({ points: 1, expire: null });
    expect(await change(1, { key: counter, msDuration: 0 })).to.deep.equal({ points: 2, expire: null });
  });
});
