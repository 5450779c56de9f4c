import Joi from 'joi';
import { withDefault, type ValuesOf } from './declare';

export interface SessionSettings {
  sessions: {
    refreshTokenTtlSeconds: number;
    /** Absolute lifetime of a login; rotation never extends it. */
    maxAgeSeconds: number;
    /** How long after a rotation a concurrent refresh of the old token is a 409, not reuse. */
    refreshGraceSeconds: number;
  };
  revocationCache: {
    /** Upper bound on how long a revocation made by another process can go unseen; 0 disables. */
    ttlMs: number;
    maxEntries: number;
  };
  /** How often the server purges expired rows; 0 turns it off. */
  purgeIntervalSeconds: number;
}

const YEAR_SECONDS = 31_536_000;

/** Refresh tokens, session lifetimes, the revocation cache and the purge of expired rows. */
export const SESSION_KEYS = {
  REFRESH_TOKEN_TTL_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(60)
      .max(YEAR_SECONDS)
      .unit('seconds')
      .description('Refresh-token lifetime (default 30 days); each refresh issues a new one.'),
    2_592_000,
  ),
  SESSION_MAX_AGE_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(60)
      .max(YEAR_SECONDS)
      .unit('seconds')
      .description('Absolute session lifetime (default 90 days); refreshing never extends it.'),
    7_776_000,
  ),
  REFRESH_GRACE_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(0)
      .max(5)
      .unit('seconds')
      .description('Time after a rotation during which a concurrent refresh of the old token gets 409, not reuse.'),
    5,
  ),
  REVOCATION_CACHE_TTL_MS: withDefault(
    Joi.number()
      .integer()
      .min(0)
      .max(60_000)
      .unit('milliseconds')
      .description(
        'Longest time a revocation made by another instance can go unseen here; 0 = no cache, the database on every request.',
      ),
    1000,
  ),
  REVOCATION_CACHE_MAX_ENTRIES: withDefault(
    Joi.number()
      .integer()
      .min(100)
      .max(10_000_000)
      .unit('entries')
      .description('Entries per revocation cache (blocked jtis, sessions, users).'),
    100_000,
  ),
  PURGE_INTERVAL_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(0)
      .max(604_800)
      .unit('seconds')
      .description(
        'How often the server deletes the expired rows `node app --purge` deletes; 0 = never (run that instead).',
      ),
    3600,
  ),
};

export function sessionSettings(raw: ValuesOf<typeof SESSION_KEYS>): Readonly<SessionSettings> {
  return {
    sessions: Object.freeze({
      refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL_SECONDS,
      maxAgeSeconds: raw.SESSION_MAX_AGE_SECONDS,
      refreshGraceSeconds: raw.REFRESH_GRACE_SECONDS,
    }),
    revocationCache: Object.freeze({
      ttlMs: raw.REVOCATION_CACHE_TTL_MS,
      maxEntries: raw.REVOCATION_CACHE_MAX_ENTRIES,
    }),
    purgeIntervalSeconds: raw.PURGE_INTERVAL_SECONDS,
  };
}
