import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BcryptCeiling } from './bcrypt-ceiling';
import type { Fixtures } from './fixtures';
import { measureScenario, type ScenarioResult } from './load';
import type { BenchOptions } from './options';
import { stopProcess } from './processes';
import * as scenarios from './scenarios';
import { startServer } from './servers';

/** The Redis the bench uses: the machine's own, as CI and the tests do. */
const BENCH_REDIS_URL = 'redis://127.0.0.1:6379';
const INSTANCES = 3;

export type RedisSummary =
  | { available: false }
  | {
      available: true;
      instances: number;
      /** Login with the Redis limiter, over login with the MySQL limiter of the same run. */
      loginRatioToMysqlLimiter: number;
      loginRatioToBcrypt: number;
      /** `GET /auth/user` on `--workers 3` with Redis, over one process without it. */
      userRatioToOneProcess: number;
    };

/** A client of the bench's own for setup and clean-up; null when no Redis answers. */
async function benchClient(): Promise<Redis | null> {
  const client = new Redis(BENCH_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return null;
  }
}

/**
 * With REDIS_URL set (a key prefix of this run): `POST /auth/login` and `POST /auth/refresh` (chains
 * over 1 000 users) counted by the Redis limiter, and `GET /auth/user` on `--workers 3` (three
 * instances behind one port, fan-out on). Skipped when no Redis answers at 127.0.0.1:6379.
 */
export async function measureWithRedis(
  env: NodeJS.ProcessEnv,
  databaseUrl: string,
  fixtures: Fixtures,
  options: BenchOptions,
  baseline: { login: ScenarioResult; user: ScenarioResult; ceiling: BcryptCeiling },
): Promise<{ results: ScenarioResult[]; summary: RedisSummary }> {
  const client = await benchClient();
  if (client === null) return { results: [], summary: { available: false } };
  const keyPrefix = `bench:${randomBytes(6).toString('hex')}:`;
  const redisEnv = { ...env, REDIS_URL: BENCH_REDIS_URL, REDIS_KEY_PREFIX: keyPrefix };
  try {
    let server = await startServer(redisEnv);
    const login = await measureScenario(
      scenarios.loginScenario({ ...fixtures, baseUrl: server.baseUrl }, 'POST /auth/login, Redis limiter'),
      options,
      server.process.pid,
    );
    const refresh = await measureScenario(
      scenarios.refreshSpreadScenario(
        { ...fixtures, baseUrl: server.baseUrl },
        databaseUrl,
        options.connections,
        'Redis limiter',
      ),
      options,
      server.process.pid,
    );
    await stopProcess(server.process);
    server = await startServer(redisEnv, INSTANCES);
    const user = await measureScenario(
      scenarios.userScenario({ ...fixtures, baseUrl: server.baseUrl }, `GET /auth/user, --workers ${INSTANCES}, Redis`),
      options,
      server.process.pid,
    );
    await stopProcess(server.process);
    return {
      results: [login, refresh, user],
      summary: {
        available: true,
        instances: INSTANCES,
        loginRatioToMysqlLimiter: login.requestsPerSecond / baseline.login.requestsPerSecond,
        loginRatioToBcrypt: login.requestsPerSecond / baseline.ceiling.comparesPerSecond,
        userRatioToOneProcess: user.requestsPerSecond / baseline.user.requestsPerSecond,
      },
    };
  } finally {
    const keys = await client.keys(`${keyPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  }
}
