import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import type { Database } from '../repositories';
import type { SessionService } from './session.service';
import { findAuthUser, type UserDto } from './user.service';

/** The user fields the hot path needs: the public profile and the current token version. */
export interface AuthUser {
  user: UserDto;
  tokenVersion: number;
  /** True while an admin or moderator has suspended the user (users.disabled_at set). */
  disabled: boolean;
}

/** Where the cache reads the truth from on a miss: the database, or a fake in unit tests. */
export interface RevocationSource {
  isTokenBlocked(jti: string): Promise<boolean>;
  /** True while `userId` has a live session `sessionId`: a session of another user is not live for this one. */
  isSessionLive(userId: number, sessionId: string): Promise<boolean>;
  findAuthUser(userId: number): Promise<AuthUser | null>;
}

/** The truth in MySQL: the blocklist, the sessions and the users, as server.ts reads them. */
export function databaseRevocationSource(
  database: Pick<Database, 'blockedTokens' | 'users'>,
  sessions: Pick<SessionService, 'isSessionLive'>,
): RevocationSource {
  return {
    isTokenBlocked: (jti) => database.blockedTokens.isBlocked(jti),
    isSessionLive: (userId, sessionId) => sessions.isSessionLive(userId, sessionId),
    findAuthUser: (userId) => findAuthUser(database.users, userId),
  };
}

export interface RevocationCache extends RevocationSource {
  /** The lowest token version this process knows to be valid for a user (0 when it knows none). */
  tokenVersionFloor(userId: number): number;
  markTokenBlocked(jti: string, expiresAt: Date): void;
  markSessionsEnded(userId: number, sessionIds: readonly string[]): void;
  markTokenVersion(userId: number, tokenVersion: number): void;
  /** Drops the cached profile of a user whose shown fields changed (a verified email). */
  forgetUser(userId: number): void;
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
  const loading = new Map<string, Promise<unknown>>();

  /**
   * One query per key at a time: when an entry expires under load, every request that misses it
   * waits for the same query instead of sending its own (no stampede on the database).
   */
  function loadOnce<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = loading.get(key) as Promise<T> | undefined;
    if (pending !== undefined) return pending;
    const started = load().finally(() => loading.delete(key));
    loading.set(key, started);
    return started;
  }

  /** Reads through `cache`; a loaded "still valid" never overwrites a revocation set meanwhile. */
  async function readThrough(
    kind: 'jti' | 'session',
    cache: LRUCache<string, boolean>,
    key: string,
    load: () => Promise<boolean>,
    revokedValue: boolean,
  ): Promise<boolean> {
    if (!enabled) return load();
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = await loadOnce(`${kind}:${key}`, load);
    if (cache.get(key) === revokedValue) return revokedValue;
    cache.set(key, value, { ttl: value === revokedValue ? revokedTtlMs : ttlMs });
    return value;
  }

  // Keyed by user and session: "live" learnt for the session's own user must not answer for a token
  // that names another user with the same sid.
  const sessionKey = (userId: number, sessionId: string): string => `${userId}:${sessionId}`;

  return {
    isTokenBlocked: (jti) => readThrough('jti', blockedJtis, jti, () => source.isTokenBlocked(jti), true),
    isSessionLive: (userId, sessionId) =>
      readThrough(
        'session',
        sessionsLive,
        sessionKey(userId, sessionId),
        () => source.isSessionLive(userId, sessionId),
        false,
      ),

    async findAuthUser(userId) {
      if (!enabled) return source.findAuthUser(userId);
      const hit = users.get(userId);
      if (hit !== undefined) return hit;
      const loaded = await loadOnce(`user:${userId}`, () => source.findAuthUser(userId));
      // Misses are not cached: a deleted user's tokens are rare, and answering them costs one query.
      if (loaded !== null) users.set(userId, loaded);
      return loaded;
    },

    tokenVersionFloor: (userId) => versionFloors.get(userId) ?? 0,

    markTokenBlocked(jti, expiresAt) {
      if (enabled) blockedJtis.set(jti, true, { ttl: Math.max(1, expiresAt.getTime() - Date.now()) });
    },
    markSessionsEnded(userId, sessionIds) {
      if (!enabled) return;
      for (const sessionId of sessionIds) sessionsLive.set(sessionKey(userId, sessionId), false, { ttl: revokedTtlMs });
    },
    markTokenVersion(userId, tokenVersion) {
      if (!enabled) return;
      versionFloors.set(userId, Math.max(tokenVersion, versionFloors.get(userId) ?? 0));
      users.delete(userId);
    },
    forgetUser(userId) {
      users.delete(userId);
    },
  };
}
