import Joi from 'joi';
import { adapterSettings, ADAPTER_KEYS, type AdapterSettings } from './adapter';
import { databaseSettings, DATABASE_KEYS, type DatabaseSettings } from './database';
import type { ConfigKey, ValuesOf } from './declare';
import { ENVIRONMENT_KEYS, type NodeEnv } from './environment';
import { httpSettings, HTTP_KEYS, type HttpSettings } from './http';
import { keySettings, KEY_KEYS, type KeySettings } from './keys';
import { observabilitySettings, OBSERVABILITY_KEYS, type ObservabilitySettings } from './observability';
import { rateLimitSettings, RATE_LIMIT_KEYS, type RateLimitSettings } from './rate-limits';
import { redisSettings, REDIS_KEYS, type RedisSettings } from './redis';
import { sessionSettings, SESSION_KEYS, type SessionSettings } from './sessions';
import { tokenSettings, TOKEN_KEYS, type TokenSettings } from './tokens';

export { parseDatabaseUrl, type DatabaseLocation } from './database';
export type { NodeEnv } from './environment';
export type { CookieConfig } from './http';
export type { IntrospectionClient } from './keys';
export type { LogLevel } from './observability';
export type { RateLimitSettings } from './rate-limits';
export type { RedisSettings } from './redis';
export { isAsymmetric, type AsymmetricAlgorithm, type JwtAlgorithm } from './tokens';

export interface Config
  extends
    HttpSettings,
    DatabaseSettings,
    TokenSettings,
    KeySettings,
    SessionSettings,
    ObservabilitySettings,
    RedisSettings,
    AdapterSettings {
  env: NodeEnv;
  rateLimits: RateLimitSettings;
}

export interface ConfigSection {
  title: string;
  keys: Readonly<Record<string, ConfigKey<unknown>>>;
}

/** Every key the server reads, by section, in the order .env.example and the reference list them. */
export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  { title: 'Environment', keys: ENVIRONMENT_KEYS },
  { title: 'HTTP, cookies and CORS', keys: HTTP_KEYS },
  { title: 'Database', keys: DATABASE_KEYS },
  { title: 'Tokens and passwords', keys: TOKEN_KEYS },
  { title: 'Signing keys and introspection', keys: KEY_KEYS },
  { title: 'Sessions', keys: SESSION_KEYS },
  { title: 'Rate limits', keys: RATE_LIMIT_KEYS },
  { title: 'Redis', keys: REDIS_KEYS },
  { title: 'Logs and metrics', keys: OBSERVABILITY_KEYS },
  { title: 'Auth.js adapter', keys: ADAPTER_KEYS },
];

const KEYS = {
  ...ENVIRONMENT_KEYS,
  ...HTTP_KEYS,
  ...DATABASE_KEYS,
  ...TOKEN_KEYS,
  ...KEY_KEYS,
  ...SESSION_KEYS,
  ...RATE_LIMIT_KEYS,
  ...REDIS_KEYS,
  ...OBSERVABILITY_KEYS,
  ...ADAPTER_KEYS,
};

/** The validated environment, one property per key; its type comes from the declarations. */
type RawConfig = ValuesOf<typeof KEYS>;

/** Every key the server reads. */
export const CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(KEYS));

const schema = Joi.object<RawConfig>(
  Object.fromEntries(Object.entries(KEYS).map(([name, declaration]) => [name, declaration.schema])),
)
  .unknown(true)
  .prefs({ abortEarly: false, convert: true, errors: { wrap: { label: false } } });

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment once and returns a frozen config. Empty strings count as unset, so
 * a `.env` copied from `.env.example` behaves like no `.env` at all. Throws a ConfigError that
 * names every bad key.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Readonly<Config> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.validate(present);
  if (result.error) {
    throw new ConfigError(`invalid configuration: ${result.error.details.map((d) => d.message).join('; ')}`);
  }
  const raw = result.value;
  return Object.freeze({
    env: raw.NODE_ENV,
    ...httpSettings(raw),
    ...databaseSettings(raw),
    ...tokenSettings(raw),
    ...keySettings(raw),
    ...sessionSettings(raw),
    rateLimits: Object.freeze(rateLimitSettings(raw)),
    ...redisSettings(raw),
    ...observabilitySettings(raw),
    ...adapterSettings(raw),
  });
}
