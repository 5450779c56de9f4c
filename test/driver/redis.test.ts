import { expect } from 'chai';
import {
  answeredStatuses,
  fanoutCount,
  fanoutLag,
  loginOn,
  logoutOn,
  quantile,
  redisHealth,
  refusedAfter,
  startInstances,
  stopInstances,
  userStatus,
} from '../support/instances';
import type { RunningServer } from '../support/processes';
import { createThrowawayRedis, LOCAL_REDIS_URL, randomKeyPrefix, waitFor, type ThrowawayRedis } from '../support/redis';

const TRIALS = 30;
// The goal is 50 ms; the assertion is generous, as several suites share this 2-core machine.
const FANOUT_BOUND_MS = 1000;
// The TTL bound of the outage test, and the slack a loaded machine adds to it.
const CACHE_TTL_MS = 1000;
const TTL_SLACK_MS = 1500;

describe('revocation fan-out over Redis between three server processes', function () {
  this.timeout(180_000);
  let servers: RunningServer[] = [];

  before(async () => {
    // A one-minute cache: only the fan-out can make the other instances refuse a token at once.
    servers = await startInstances(3, {
      REDIS_URL: LOCAL_REDIS_URL,
      REDIS_KEY_PREFIX: randomKeyPrefix(),
      REVOCATION_CACHE_TTL_MS: '60000',
    });
    await waitFor(async () => (await Promise.all(servers.map(redisHealth))).every((state) => state === 'up'));
  });

  after(async () => {
    await stopInstances(servers);
  });

  it(`refuses a token logged out on one instance on the other two, measured over ${TRIALS} trials`, async () => {
    answeredStatuses.length = 0;
    const delays: number[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const [origin, ...others] = [0, 1, 2].map((offset) => servers[(trial + offset) % 3]) as RunningServer[];
      if (origin === undefined) throw new Error('three servers');
      const token = await loginOn(origin);
      // Each other instance has now cached the token, its session and its user as valid.
      for (const other of others) expect(await userStatus(other, token)).to.equal(200);
      expect(await logoutOn(origin, token)).to.equal(200);
      const loggedOutAt = Date.now();
      const refused = await Promise.all(
        others.map((other) => refusedAfter(other, token, loggedOutAt, FANOUT_BOUND_MS)),
      );
      expect(refused, `trial ${trial}`).to.not.include(null);
      delays.push(Math.max(...refused.map((ms) => ms ?? Number.POSITIVE_INFINITY)));
    }
    const lags = await Promise.all(servers.map(fanoutLag));
    const summary = {
      p50: quantile(delays, 0.5),
      p99: quantile(delays, 0.99),
      max: Math.max(...delays),
      meanPublishToApplyMs:
        (lags.reduce((sum, lag) => sum + lag.sumSeconds, 0) * 1000) / lags.reduce((sum, lag) => sum + lag.count, 0),
    };
    // The figures docs/deployment.md quotes: milliseconds from the logout's 200 to both others refusing
    // (one request to each included), and the servers' own publish-to-apply lag.
    console.log(`      fan-out over ${TRIALS} trials (ms): ${JSON.stringify(summary)}`);
    expect(summary.max).to.be.below(FANOUT_BOUND_MS);
    expect(answeredStatuses.filter((status) => status >= 500)).to.deep.equal([]);
  });
});

describe('revocation fan-out with Redis killed mid-test (a redis-server this test starts)', function () {
  this.timeout(180_000);
  let redis: ThrowawayRedis;
  let servers: RunningServer[] = [];

  before(async () => {
    redis = await createThrowawayRedis();
    await redis.start();
    servers = await startInstances(2, {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: randomKeyPrefix(),
      REVOCATION_CACHE_TTL_MS: String(CACHE_TTL_MS),
      RATE_LIMIT_LOGIN_PER_IP: '1000',
    });
    await waitFor(async () => (await Promise.all(servers.map(redisHealth))).every((state) => state === 'up'));
  });

  after(async () => {
    await stopInstances(servers);
    await redis.kill();
  });

  /** Logs out on A a token B has cached; resolves once B refuses it, with the milliseconds that took. */
  async function revokeOnAWatchB(): Promise<number | null> {
    const [a, b] = servers as [RunningServer, RunningServer];
    const token = await loginOn(a);
    expect(await userStatus(b, token)).to.equal(200);
    expect(await logoutOn(a, token)).to.equal(200);
    return refusedAfter(b, token, Date.now(), CACHE_TTL_MS + TTL_SLACK_MS);
  }

  it('serves without a 5xx, sees revocations within the TTL bound, and fans out again once Redis is back', async () => {
    answeredStatuses.length = 0;
    const [a, b] = servers as [RunningServer, RunningServer];
    const appliedBefore = await fanoutCount(b, 'applied');
    expect(await revokeOnAWatchB()).to.not.equal(null);
    await waitFor(async () => (await fanoutCount(b, 'applied')) > appliedBefore);

    await redis.kill();
    await waitFor(async () => (await redisHealth(a)) === 'degraded' && (await redisHealth(b)) === 'degraded');
    const appliedDuringOutage = await fanoutCount(b, 'applied');
    for (let trial = 0; trial < 3; trial += 1) {
      // Logins count in memory, logouts commit in MySQL; B learns of them when its cache entry expires.
      expect(await revokeOnAWatchB(), `outage trial ${trial}`).to.not.equal(null);
    }
    expect(await fanoutCount(a, 'publish_failed')).to.be.at.least(3);
    expect(await fanoutCount(b, 'applied')).to.equal(appliedDuringOutage);

    await redis.start();
    // No restart of the servers: each reconnects (and resubscribes) by itself.
    await waitFor(async () => (await redisHealth(a)) === 'up' && (await redisHealth(b)) === 'up', 20_000);
    const appliedAfter = await fanoutCount(b, 'applied');
    // "Up" may come a moment before the subscriber's SUBSCRIBE is through: a message sent in between
    // is lost (the TTL covers it), so revoke until one arrives.
    await waitFor(async () => {
      expect(await revokeOnAWatchB()).to.not.equal(null);
      return (await fanoutCount(b, 'applied')) > appliedAfter;
    }, 20_000);
    expect(answeredStatuses.filter((status) => status >= 500)).to.deep.equal([]);
  });
});
