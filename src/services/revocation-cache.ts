import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import type { UserDto } from './user.service';

/** The user fields the hot path needs: the public profile and the current token version. */
export interface AuthUser {
  user: UserDto;
  tokenVersion: number;
}

/** Where the cache reads the truth from on a miss: the database, or a fake in unit tests. */
export interface RevocationSource {
  isTokenBlocked(jti: string): Promise<boolean>;
  isSessionLive(sessionId: string): Promise<boolean>;
  findAuthUser(userId: number): Promise<AuthUser | null>;
}

export interface RevocationCache extends RevocationSource {
  /** The lowest token version this process knows to be valid for a user (0 when it knows none). */
  tokenVersionFloor(userId: number): number;
  markTokenBlocked(jti: string, expiresAt: Date): void;
  markSessionsEnded(sessionIds: readonly string[]): void;
  markTokenVersion(userId: number, tokenVersion: number): void;
}

/**
 * Per-process cache of revocation state, safe because revocation only moves one way: a blocked
 * jti stays blocked, an ended session stays ended, a token version only grows. So revocations are
 * kept until every token they concern has expired, while "still valid" answers live at most
 * `ttlMs`: that is the bound on how late this process sees a revocation made by another one.
 * Revocations made by this process are written through and apply to the very next request.
 * With `ttlMs` 0 nothing is cached and every request asks the source.
 */
export function createRevocationCache(
  source: RevocationSource,
  settings: Config['revocationCache'] & { accessTokenTtlSeconds: number },
): RevocationCache {
  const { ttlMs, maxEntries } = settings;
  const revokedTtlMs = settings.accessTokenTtlSeconds * 1000;
  const blockedJtis = new LRUCache<string, boolean>({ max: maxEntries, ttl: ttlMs || 1 });
  const sessionsLive = new LRUCache<string, boolean>({ max: maxEntries, ttl: ttlMs || 1 });
  const users = new LRUCache<number, AuthUser>({ max: maxEntries, ttl: ttlMs || 1 });
  const versionFloors = new LRUCache<number, number>({ max: maxEntries, ttl: revokedTtlMs });
  const enabled = ttlMs > 0;

  /** Reads through `cache`; a loaded "still valid" never overwrites a revocation set meanwhile. */
  async function readThrough<K extends string | number>(
    cache: LRUCache<K, boolean>,
    key: K,
    load: (key: K) => Promise<boolean>,
    revokedValue: boolean,
    revokedUntil: () => number,
  ): Promise<boolean> {
    if (!enabled) return load(key);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = await load(key);
    if (cache.get(key) === revokedValue) return revokedValue;
    cache.set(key, value, { ttl: value === revokedValue ? Math.max(1, revokedUntil()) : ttlMs });
    return value;
  }

  return {
    isTokenBlocked: (jti) =>
      readThrough(
        blockedJtis,
        jti,
        (key) => source.isTokenBlocked(key),
        true,
        () => revokedTtlMs,
      ),
    isSessionLive: (sessionId) =>
      readThrough(
        sessionsLive,
        sessionId,
        (key) => source.isSessionLive(key),
        false,
        () => revokedTtlMs,
      ),

    async findAuthUser(userId) {
      if (!enabled) return source.findAuthUser(userId);
      const hit = users.get(userId);
      if (hit !== undefined) return hit;
      const loaded = await source.findAuthUser(userId);
      // Misses are not cached: a deleted user's tokens are rare, and answering them costs one query.
      if (loaded !== null) users.set(userId, loaded);
      return loaded;
    },

    tokenVersionFloor: (userId) => versionFloors.get(userId) ?? 0,

    markTokenBlocked(jti, expiresAt) {
      if (enabled) blockedJtis.set(jti, true, { ttl: Math.max(1, expiresAt.getTime() - Date.now()) });
    },
    markSessionsEnded(sessionIds) {
      if (!enabled) return;
      for (const sessionId of sessionIds) sessionsLive.set(sessionId, false, { ttl: revokedTtlMs });
    },
    markTokenVersion(userId, tokenVersion) {
      if (!enabled) return;
      versionFloors.set(userId, Math.max(tokenVersion, versionFloors.get(userId) ?? 0));
      users.delete(userId);
    },
  };
}
