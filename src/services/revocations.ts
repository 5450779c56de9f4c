import { randomUUID } from 'node:crypto';
import Joi from 'joi';
import type { Logger } from 'pino';
import type { RedisConnections } from '../db/redis';
import type { Metrics } from '../metrics/metrics';
import type { RevocationReason } from '../models';
import type { KeyStore } from './keys.service';
import type { RevocationCache } from './revocation-cache';

/**
 * One committed revocation, in the terms every instance's cache understands. Each field is
 * optional and says one thing: a feature that revokes (logout, password change or reset, a user
 * disabled or deleted: bump the token version) only builds one of these and calls `announce`.
 */
export interface Revocation {
  reason: RevocationReason;
  /** null for a revocation of no one user (signing keys retired). */
  userId: number | null;
  /** Access tokens put on the blocklist, each with its expiry. */
  blockedTokens?: readonly { jti: string; expiresAt: Date }[];
  /** Sessions (refresh-token families) of `userId` that ended. */
  endedSessionIds?: readonly string[];
  /** The user's new token version: every access token below it is revoked. */
  tokenVersion?: number;
  /** Signing keys retired: every token whose kid names one is refused. */
  retiredKeyIds?: readonly string[];
}

export interface Revocations {
  /**
   * Applies a revocation to this process's cache at once, counts it, and publishes it to the
   * other instances (with Redis). Call it only after the transaction that made it has committed.
   */
  announce(revocation: Revocation): void;
}

/** The message on the channel; dates as epoch milliseconds. */
interface RevocationMessage {
  origin: string;
  publishedAt: number;
  /** A string, not our RevocationReason: a newer instance may send a reason this one does not know. */
  reason: string;
  userId: number | null;
  blockedTokens: { jti: string; expiresAt: number }[];
  endedSessionIds: string[];
  tokenVersion: number | null;
  retiredKeyIds: string[];
}

// The channel is shared: anything on it is checked before it can touch the cache.
const messageSchema = Joi.object<RevocationMessage>({
  origin: Joi.string().max(64).required(),
  publishedAt: Joi.number().integer().min(0).required(),
  reason: Joi.string().max(32).required(),
  userId: Joi.number().integer().min(1).allow(null).required(),
  blockedTokens: Joi.array()
    .max(1000)
    .items(Joi.object({ jti: Joi.string().max(255).required(), expiresAt: Joi.number().integer().required() }))
    .required(),
  endedSessionIds: Joi.array().max(100_000).items(Joi.string().max(64)).required(),
  tokenVersion: Joi.number().integer().min(0).allow(null).required(),
  // Optional: instances of an older release publish messages without it.
  retiredKeyIds: Joi.array().max(100).items(Joi.string().max(64)).default([]),
})
  .unknown(true)
  .prefs({ convert: false });

/** What a revocation does to a cache: all of it but the reason. */
export type RevocationEffects = Omit<Revocation, 'reason'>;

/** Applies a revocation to a cache; applying one twice changes nothing (revocation only moves one way). */
export function applyRevocation(cache: RevocationCache, revocation: RevocationEffects): void {
  if (revocation.userId === null) return;
  for (const { jti, expiresAt } of revocation.blockedTokens ?? []) cache.markTokenBlocked(jti, expiresAt);
  if (revocation.tokenVersion !== undefined) cache.markTokenVersion(revocation.userId, revocation.tokenVersion);
  if (revocation.endedSessionIds !== undefined && revocation.endedSessionIds.length > 0) {
    cache.markSessionsEnded(revocation.userId, revocation.endedSessionIds);
  }
}

/** The message of a revocation published by `origin`, as JSON. */
export function encodeRevocation(revocation: Revocation, origin: string, publishedAt: number): string {
  const message: RevocationMessage = {
    origin,
    publishedAt,
    reason: revocation.reason,
    userId: revocation.userId,
    blockedTokens: (revocation.blockedTokens ?? []).map(({ jti, expiresAt }) => ({
      jti,
      expiresAt: expiresAt.getTime(),
    })),
    endedSessionIds: [...(revocation.endedSessionIds ?? [])],
    tokenVersion: revocation.tokenVersion ?? null,
    retiredKeyIds: [...(revocation.retiredKeyIds ?? [])],
  };
  return JSON.stringify(message);
}

/** The revocation and its sender in a message, or null for anything that is not one. */
export function decodeRevocation(
  text: string,
): { revocation: RevocationEffects; origin: string; publishedAt: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const result: Joi.ValidationResult<RevocationMessage> = messageSchema.validate(parsed);
  if (result.error !== undefined) return null;
  const { value } = result;
  return {
    origin: value.origin,
    publishedAt: value.publishedAt,
    revocation: {
      userId: value.userId,
      blockedTokens: value.blockedTokens.map(({ jti, expiresAt }) => ({ jti, expiresAt: new Date(expiresAt) })),
      endedSessionIds: value.endedSessionIds,
      ...(value.tokenVersion === null ? {} : { tokenVersion: value.tokenVersion }),
      ...(value.retiredKeyIds.length === 0 ? {} : { retiredKeyIds: value.retiredKeyIds }),
    },
  };
}

export interface RevocationsDependencies {
  cache: RevocationCache;
  metrics: Metrics | null;
  /** null: no fan-out; other instances see a revocation within their cache's TTL. */
  redis: RedisConnections | null;
  logger: Logger;
  /** Told of signing keys retired, so it refuses their tokens at once; none in tests of the cache alone. */
  keys?: Pick<KeyStore, 'forgetKeys'>;
}

/**
 * Revocations of this process, and (with Redis) those of every other instance: each is published
 * on one channel after its commit, and every instance applies what it receives to its cache.
 * MySQL stays the truth: a message lost, or Redis down, leaves the cache's TTL as the bound.
 */
export function createRevocations({ cache, metrics, redis, logger, keys }: RevocationsDependencies): Revocations {
  const origin = randomUUID();
  const apply = (revocation: RevocationEffects): void => {
    applyRevocation(cache, revocation);
    if (revocation.retiredKeyIds !== undefined) keys?.forgetKeys(revocation.retiredKeyIds);
  };
  const channel = redis?.name('revocations') ?? null;

  if (redis !== null && channel !== null) {
    redis.subscriber.on('message', (from: string, text: string) => {
      if (from !== channel) return;
      const message = decodeRevocation(text);
      // Our own revocations were applied before they were published.
      if (message?.origin === origin) return;
      metrics?.countFanout('received');
      if (message === null) {
        metrics?.countFanout('rejected');
        logger.warn({ channel }, 'ignored a malformed revocation message');
        return;
      }
      apply(message.revocation);
      metrics?.countFanout('applied');
      metrics?.observeFanoutLag(Math.max(0, Date.now() - message.publishedAt) / 1000);
    });
    redis.subscriber.subscribe(channel).catch((error: unknown) => {
      logger.error({ err: error, channel }, 'could not subscribe to revocations');
    });
  }

  return {
    announce(revocation) {
      apply(revocation);
      metrics?.countRevocation(revocation.reason);
      if (redis === null || channel === null) return;
      // Not awaited: the answer never waits for Redis; a lost message falls back to the TTL bound.
      redis.commands.publish(channel, encodeRevocation(revocation, origin, Date.now())).then(
        () => metrics?.countFanout('published'),
        (error: unknown) => {
          metrics?.countFanout('publish_failed');
          logger.debug({ err: error }, 'revocation not published');
        },
      );
    },
  };
}

/**
 * Publishes one revocation from a process that serves nothing (`node app --purge`): no cache of
 * its own to apply it to; every server applies it on receipt. Resolves once Redis has it.
 */
export async function publishRevocation(redis: RedisConnections, revocation: Revocation): Promise<void> {
  await redis.commands.publish(redis.name('revocations'), encodeRevocation(revocation, randomUUID(), Date.now()));
}
