import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import {
  RateLimiterMemory,
  RateLimiterMySQL,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterStoreAbstract,
} from 'rate-limiter-flexible';
import type { Sequelize } from 'sequelize';
import type { RateLimitSettings } from '../config';
import { createOutageBreaker, watchedConnections } from '../db/query-watchdog';
import { batchesOf } from '../db/sequelize';
import { isOutageError } from '../db/statement-batches';
import type { RedisConnections } from '../db/redis';
import {
  type CounterRow,
  createRateLimitCounters,
  RATE_LIMIT_TABLE,
  type RateLimitCounters,
} from '../repositories/rate-limits.repository';

/** One counter per rule and key, e.g. `loginPerIp` of `203.0.113.7`. */
export type RateLimitRule = Exclude<keyof RateLimitSettings, 'windowSeconds'>;

/** What counting one attempt answered. */
export interface Consumption {
  /** Null when the attempt is allowed, else the whole seconds to wait (≥ 1). */
  retryAfterSeconds: number | null;
  /** True for the one allowed attempt of a window that took the last point: the next is refused. */
  tookLastPoint: boolean;
}

export interface RateLimiter {
  /** Counts one attempt. */
  consume(rule: RateLimitRule, key: string): Promise<Consumption>;
  /** Takes back one attempt that turned out not to count. */
  refund(rule: RateLimitRule, key: string): Promise<void>;
  /** Forgets every attempt of `key`: a success ends a run of failures. */
  reset(rule: RateLimitRule, key: string): Promise<void>;
}

/**
 * The key of a client address. IPv4 (and IPv4-mapped IPv6) as is; IPv6 by its /64, the block one
 * subscriber usually holds, so hopping between its 2^64 addresses gains an attacker nothing.
 * Anything unparsable shares one key, so made-up values cannot each get a fresh budget.
 */
export function clientKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return 'unknown';
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}

/** The key of an account: a hash of its normalised email, so the limiter table holds no email. */
export function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

/** Where the counters live: MySQL (the default), or Redis when it is configured. */
export type RateLimitStore = { sequelize: Sequelize; queryTimeoutMs: number } | { redis: RedisConnections };

/** The MySQL limiter, its counters changed in one round trip (RateLimitCounters) rather than the library's four. */
class RateLimiterMySQLCounters extends RateLimiterMySQL {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMySQL>[0],
    private readonly counters: RateLimitCounters,
  ) {
    super(options);
  }

  // rate-limiter-flexible's hook for a store's write (RateLimiterStoreAbstract._upsert); it reads
  // the answer as `[row]`. Reads and deletes stay the library's.
  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<CounterRow[]> {
    return [await this.counters.change({ key, points, msDuration, forceExpire })];
  }
}

/** Counters in MySQL: a row per rule and key, expired rows purged with the other purges. */
function mysqlLimiter(store: { sequelize: Sequelize; queryTimeoutMs: number }) {
  // One breaker for every rule: once a counter finds MySQL out of reach, the next ones (a login
  // counts two) go straight to the in-memory limiter instead of each waiting out a timeout.
  const breaker = createOutageBreaker(store.queryTimeoutMs);
  // The limiter's reads and deletes query raw connections, out of reach of the query hooks: bound
  // them here, or a frozen MySQL would hang every limited route instead of handing over to memory.
  const storeClient = watchedConnections(store.sequelize, store.queryTimeoutMs, breaker);
  const counters = createRateLimitCounters(batchesOf(store.sequelize));
  const guarded: RateLimitCounters = {
    change: (change) => breaker.guard(() => counters.change(change), isOutageError),
  };
  return (limit: LimitOptions): RateLimiterStoreAbstract =>
    new RateLimiterMySQLCounters(
      {
        ...limit,
        storeClient,
        storeType: 'sequelize',
        dbName: store.sequelize.config.database,
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        // Expired rows go with the other purges (purge.service), not with a timer per limiter.
        clearExpiredByTimeout: false,
      },
      guarded,
    );
}

/** Counters in Redis, which expires them itself: a login then writes nothing to MySQL for limits. */
function redisLimiter({ redis }: { redis: RedisConnections }) {
  return (limit: LimitOptions): RateLimiterStoreAbstract =>
    new RateLimiterRedis({
      ...limit,
      keyPrefix: redis.name(`rate:${limit.keyPrefix}`),
      storeClient: redis.commands,
      // Straight to the in-memory limiter while disconnected, rather than a failing command each time.
      rejectIfRedisNotReady: true,
    });
}

interface LimitOptions {
  keyPrefix: RateLimitRule;
  points: number;
  duration: number;
  insuranceLimiter: RateLimiterMemory;
}

/**
 * Counters shared by every instance, in MySQL or Redis. When the store fails, an in-memory limiter
 * per process takes over (rate-limiter-flexible's insurance), so limits stay on and requests
 * never fail for it.
 */
export function createRateLimiter(settings: RateLimitSettings, store: RateLimitStore): RateLimiter {
  const build = 'redis' in store ? redisLimiter(store) : mysqlLimiter(store);
  function limiterFor(rule: RateLimitRule): RateLimiterStoreAbstract {
    const limit = { keyPrefix: rule, points: settings[rule], duration: settings.windowSeconds };
    return build({ ...limit, insuranceLimiter: new RateLimiterMemory(limit) });
  }
  const limiters: Record<RateLimitRule, RateLimiterStoreAbstract> = {
    signupPerIp: limiterFor('signupPerIp'),
    loginPerIp: limiterFor('loginPerIp'),
    loginFailuresPerAccount: limiterFor('loginFailuresPerAccount'),
    refreshPerIp: limiterFor('refreshPerIp'),
    passwordPerIp: limiterFor('passwordPerIp'),
    passwordFailuresPerAccount: limiterFor('passwordFailuresPerAccount'),
    adapterSecretFailuresPerIp: limiterFor('adapterSecretFailuresPerIp'),
    oidcLoginPerIp: limiterFor('oidcLoginPerIp'),
    oidcExchangePerIp: limiterFor('oidcExchangePerIp'),
    mailPerIp: limiterFor('mailPerIp'),
    mailPerAccount: limiterFor('mailPerAccount'),
    emailTokenPerIp: limiterFor('emailTokenPerIp'),
  };

  return {
    async consume(rule, key) {
      try {
        // The store counts atomically (a Redis script, a locked MySQL row), so only one attempt
        // of a window sees the count reach the limit exactly.
        const counted = await limiters[rule].consume(key);
        return { retryAfterSeconds: null, tookLastPoint: counted.remainingPoints === 0 };
      } catch (rejection) {
        // A RateLimiterRes rejection means "over the limit"; anything else is a real failure.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), tookLastPoint: false };
      }
    },
    async refund(rule, key) {
      await limiters[rule].reward(key);
    },
    async reset(rule, key) {
      await limiters[rule].delete(key);
    },
  };
}
