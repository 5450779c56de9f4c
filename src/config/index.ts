import Joi from 'joi';
import { adapterSettings, ADAPTER_KEYS, type AdapterSettings } from './adapter';
import { adminSettings, ADMIN_KEYS, type AdminSettings } from './admin';
import { databaseSettings, DATABASE_KEYS, type DatabaseSettings } from './database';
import { ConfigError, type ConfigKey, type ValuesOf } from './declare';
import { ENVIRONMENT_KEYS, type NodeEnv } from './environment';
import { fileKeyOf, readFileKeys } from './files';
import { httpSettings, HTTP_KEYS, type HttpSettings } from './http';
import { keySettings, KEY_KEYS, type KeySettings } from './keys';
import { mailSettings, MAIL_KEYS, type MailSettings } from './mail';
import { oidcSettings, OIDC_KEYS, OIDC_PROVIDER_KEY_PATTERNS, providerKeysOf, type OidcSettings } from './oidc';
import { observabilitySettings, OBSERVABILITY_KEYS, type ObservabilitySettings } from './observability';
import { rateLimitSettings, RATE_LIMIT_KEYS, type RateLimitSettings } from './rate-limits';
import { redisSettings, REDIS_KEYS, type RedisSettings } from './redis';
import { sessionSettings, SESSION_KEYS, type SessionSettings } from './sessions';
import { tokenSettings, TOKEN_KEYS, type TokenSettings } from './tokens';

export { ConfigError } from './declare';
export { parseDatabaseUrl, type DatabaseLocation, type DatabaseTls } from './database';
export type { NodeEnv } from './environment';
export type { CookieConfig } from './http';
export type { IntrospectionClient } from './keys';
export type { LogLevel } from './observability';
export type { OidcProviderConfig } from './oidc';
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
    AdapterSettings,
    AdminSettings,
    MailSettings,
    OidcSettings {
  env: NodeEnv;
  rateLimits: RateLimitSettings;
}

export interface ConfigSection {
  title: string;
  keys: Readonly<Record<string, ConfigKey<unknown>>>;
  /** Keys named after a value of another key (`OIDC_<NAME>_ISSUER`), under their pattern names. */
  patternKeys?: Readonly<Record<string, ConfigKey<unknown>>>;
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
  { title: 'OpenID Connect sign-in', keys: OIDC_KEYS, patternKeys: OIDC_PROVIDER_KEY_PATTERNS },
  { title: 'Logs and metrics', keys: OBSERVABILITY_KEYS },
  { title: 'Auth.js adapter', keys: ADAPTER_KEYS },
  { title: 'Admin, audit log and webhooks', keys: ADMIN_KEYS },
  { title: 'Password reset and email verification', keys: MAIL_KEYS },
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
  ...OIDC_KEYS,
  ...OBSERVABILITY_KEYS,
  ...ADAPTER_KEYS,
  ...ADMIN_KEYS,
  ...MAIL_KEYS,
};

/** The validated environment, one property per key; its type comes from the declarations. */
type RawConfig = ValuesOf<typeof KEYS>;

/** Each key, and its `<KEY>_FILE` when it has one. */
const namesOf = (declarations: Readonly<Record<string, ConfigKey<unknown>>>): string[] =>
  Object.entries(declarations).flatMap(([name, { fromFile }]) => (fromFile ? [name, fileKeyOf(name)] : [name]));

/** Every key declared whatever the environment (see configKeysFor for the per-provider and `_FILE` ones). */
export const CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(KEYS));

/** The declarations for `env`: fixed keys plus the keys its OIDC_PROVIDERS calls for. */
const declarationsFor = (env: Readonly<Record<string, unknown>>): Record<string, ConfigKey<unknown>> => ({
  ...KEYS,
  ...providerKeysOf(env),
});

/**
 * Every key the server reads from `env`: the fixed ones, those of each provider OIDC_PROVIDERS lists,
 * and the `<KEY>_FILE` of each that may come from a file.
 */
export function configKeysFor(env: Readonly<Record<string, unknown>>): string[] {
  return namesOf(declarationsFor(env));
}

/** The rules for `declarations`, so that one pass names every bad key. */
function schemaOf(declarations: Readonly<Record<string, ConfigKey<unknown>>>): Joi.ObjectSchema<RawConfig> {
  return Joi.object<RawConfig>(
    Object.fromEntries(Object.entries(declarations).map(([name, declaration]) => [name, declaration.schema])),
  )
    .unknown(true)
    .prefs({ abortEarly: false, convert: true, errors: { wrap: { label: false } } });
}

/**
 * Validates the environment once and returns a frozen config. Empty strings count as unset, so
 * a `.env` copied from `.env.example` behaves like no `.env` at all. Throws a ConfigError that
 * names every bad key.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Readonly<Config> {
  const set = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const declarations = declarationsFor(set);
  const { env: present, problems } = readFileKeys(set, declarations);
  const result = schemaOf(declarations).validate(present);
  if (result.error !== undefined || problems.length > 0) {
    const messages = [...problems, ...(result.error?.details.map((detail) => detail.message) ?? [])];
    throw new ConfigError(`invalid configuration: ${messages.join('; ')}`);
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
    ...oidcSettings(raw, raw),
    ...observabilitySettings(raw),
    ...adapterSettings(raw),
    ...adminSettings(raw),
    ...mailSettings(raw),
  });
}
