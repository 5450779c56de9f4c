import Joi from 'joi';

export type NodeEnv = 'development' | 'test' | 'production';
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface DatabaseLocation {
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface Config {
  env: NodeEnv;
  host: string;
  port: number;
  databaseUrl: string;
  database: DatabaseLocation;
  /** Bounds on every wait for MySQL, so that an outage is a quick 503, never a hung request. */
  databasePool: {
    maxConnections: number;
    /** TCP connect plus MySQL handshake of a new connection. */
    connectTimeoutMs: number;
    /** Waiting for a pooled connection, including opening one. */
    acquireTimeoutMs: number;
    /** One query, from send to last row: covers a server that stops answering on an open socket. */
    queryTimeoutMs: number;
  };
  jwt: {
    /** null when not configured: the server refuses to start, `--create` may generate one. */
    secret: string | null;
    algorithm: JwtAlgorithm;
    expiresInSeconds: number;
    issuer: string | null;
    audience: string | null;
    clockToleranceSeconds: number;
  };
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
  bcryptRounds: number;
  logLevel: LogLevel;
  cookies: CookieConfig;
  cors: {
    /** Exact origins (`scheme://host[:port]`) allowed to call from a browser; empty = no CORS headers. */
    origins: readonly string[];
  };
  /** Whether X-Forwarded-For is believed, and how many proxy hops of it. */
  proxy: { trusted: boolean; hops: number };
  rateLimits: RateLimitSettings;
  metrics: {
    enabled: boolean;
    /** null: GET /metrics on the main port; a number: only on this port, bound to `host`. */
    port: number | null;
    host: string;
  };
}

export interface CookieConfig {
  /** Whether a client may ask for tokens in cookies (`X-Auth-Transport: cookie`). */
  enabled: boolean;
  secure: boolean;
  /** null: host-only cookies (and the `__Host-` prefix when secure). */
  domain: string | null;
}

/** Attempts allowed per window, per client IP or per account; shared by every instance (MySQL). */
export interface RateLimitSettings {
  windowSeconds: number;
  signupPerIp: number;
  loginPerIp: number;
  /** Failed logins of one email in a row; a success resets the count. */
  loginFailuresPerAccount: number;
  refreshPerIp: number;
  passwordPerIp: number;
  /** Wrong current passwords of one user in a row; a success resets the count. */
  passwordFailuresPerAccount: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const MIN_SECRET_BYTES = 32;

const mysqlUrl = Joi.string()
  .uri({ scheme: ['mysql'] })
  .pattern(/^mysql:\/\/[^/]+\/[A-Za-z0-9_$]{1,64}$/, 'mysql://user[:password]@host[:port]/database')
  .messages({ 'string.pattern.name': '{{#label}} must look like {{#name}}' });

// A secret with few distinct characters ("aaaa…", "abab…") is guessable whatever its length.
const jwtSecret = Joi.string()
  .custom((value: string, helpers) => {
    if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) return helpers.error('secret.short');
    if (new Set(value).size < 10) return helpers.error('secret.weak');
    return value;
  })
  .messages({
    'secret.short': `{{#label}} must be at least ${MIN_SECRET_BYTES} bytes`,
    'secret.weak': '{{#label}} must not be a repetition of a few characters',
  });

/** True for `scheme://host[:port]` exactly as a browser sends it in `Origin`: no path, no slash. */
function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

// An allowlist, never a pattern: a typo or a trailing slash would silently match nothing, so refuse it.
const corsOrigins = Joi.string()
  .custom((value: string, helpers) => {
    const origins = value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    const invalid = origins.find((origin) => !isExactOrigin(origin));
    if (invalid !== undefined) return helpers.error('origin.invalid', { origin: invalid });
    return [...new Set(origins)];
  })
  .messages({
    'origin.invalid':
      '{{#label}} entry "{{#origin}}" must be an origin like https://app.example.com (scheme://host[:port], no path)',
  });
/** Attempts per window: at least 1, so a limit can never lock everyone out by configuration. */
const attemptsPerWindow = (defaultValue: number): Joi.NumberSchema =>
  Joi.number().integer().min(1).max(1_000_000_000).default(defaultValue);

const schema = Joi.object<RawConfig>({
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  HOST: Joi.string().hostname().default('127.0.0.1'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  DATABASE_URL: mysqlUrl.default('mysql://root@127.0.0.1:3306/auth_dev'),
  TEST_DATABASE_URL: mysqlUrl.default('mysql://root@127.0.0.1:3306/auth_test'),
  DB_POOL_MAX: Joi.number().integer().min(1).max(1000).default(10),
  DB_CONNECT_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(2000),
  DB_ACQUIRE_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(3000),
  DB_QUERY_TIMEOUT_MS: Joi.number().integer().min(100).max(600_000).default(5000),
  JWT_SECRET: jwtSecret.when('NODE_ENV', { is: 'production', then: Joi.required() }),
  JWT_ALGORITHM: Joi.string().valid('HS256', 'HS384', 'HS512').default('HS256'),
  JWT_EXPIRES_IN_SECONDS: Joi.number().integer().min(30).max(86_400).default(900),
  JWT_ISSUER: Joi.string().max(255),
  JWT_AUDIENCE: Joi.string().max(255),
  JWT_CLOCK_TOLERANCE_SECONDS: Joi.number().integer().min(0).max(300).default(0),
  BCRYPT_ROUNDS: Joi.number()
    .integer()
    .max(15)
    // Below 10 rounds a stolen hash table falls to a GPU in hours; 4 is for tests only.
    .when('NODE_ENV', { is: 'test', then: Joi.number().min(4), otherwise: Joi.number().min(10) })
    .default(12),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  REFRESH_TOKEN_TTL_SECONDS: Joi.number().integer().min(60).max(31_536_000).default(2_592_000),
  SESSION_MAX_AGE_SECONDS: Joi.number().integer().min(60).max(31_536_000).default(7_776_000),
  REFRESH_GRACE_SECONDS: Joi.number().integer().min(0).max(5).default(5),
  REVOCATION_CACHE_TTL_MS: Joi.number().integer().min(0).max(60_000).default(1000),
  REVOCATION_CACHE_MAX_ENTRIES: Joi.number().integer().min(100).max(10_000_000).default(100_000),
  PURGE_INTERVAL_SECONDS: Joi.number().integer().min(0).max(604_800).default(3600),
  COOKIE_MODE: Joi.boolean().default(false),
  // Without Secure, tokens would travel in clear over HTTP; only http://localhost development may do that.
  COOKIE_SECURE: Joi.boolean()
    .default(true)
    .when('NODE_ENV', {
      is: 'production',
      then: Joi.valid(true).messages({ 'any.only': '{{#label}} must be true in production' }),
    }),
  COOKIE_DOMAIN: Joi.string().domain({ tlds: false }),
  CORS_ORIGINS: corsOrigins.default([]),
  // Off by default: without a proxy in front, X-Forwarded-For is whatever the client wants it to be.
  TRUST_PROXY: Joi.boolean().default(false),
  TRUST_PROXY_HOPS: Joi.number().integer().min(1).max(10).default(1),
  RATE_LIMIT_WINDOW_SECONDS: Joi.number().integer().min(1).max(86_400).default(900),
  RATE_LIMIT_SIGNUP_PER_IP: attemptsPerWindow(20),
  RATE_LIMIT_LOGIN_PER_IP: attemptsPerWindow(100),
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: attemptsPerWindow(10),
  RATE_LIMIT_REFRESH_PER_IP: attemptsPerWindow(600),
  RATE_LIMIT_PASSWORD_PER_IP: attemptsPerWindow(20),
  RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: attemptsPerWindow(5),
  METRICS_ENABLED: Joi.boolean(),
  // 0 picks a free port, like PORT=0; any other value must not be the public port.
  METRICS_PORT: Joi.number()
    .integer()
    .min(0)
    .max(65535)
    .when('PORT', { is: Joi.number().greater(0), then: Joi.number().invalid(Joi.ref('PORT')) })
    .messages({ 'any.invalid': '{{#label}} must differ from PORT' }),
  // Loopback by default: metrics reveal traffic and failure rates, so only opt in to a wider bind.
  METRICS_HOST: Joi.string().hostname().default('127.0.0.1'),
})
  .unknown(true)
  .prefs({ abortEarly: false, convert: true, errors: { wrap: { label: false } } });

/** Every key the server reads, from the schema itself. */
export const CONFIG_KEYS: readonly string[] = Object.freeze(
  Object.keys((schema.describe().keys ?? {}) as Record<string, unknown>),
);

interface RawConfig {
  NODE_ENV: NodeEnv;
  HOST: string;
  PORT: number;
  DATABASE_URL: string;
  TEST_DATABASE_URL: string;
  DB_POOL_MAX: number;
  DB_CONNECT_TIMEOUT_MS: number;
  DB_ACQUIRE_TIMEOUT_MS: number;
  DB_QUERY_TIMEOUT_MS: number;
  JWT_SECRET?: string;
  JWT_ALGORITHM: JwtAlgorithm;
  JWT_EXPIRES_IN_SECONDS: number;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_CLOCK_TOLERANCE_SECONDS: number;
  BCRYPT_ROUNDS: number;
  LOG_LEVEL: LogLevel;
  REFRESH_TOKEN_TTL_SECONDS: number;
  SESSION_MAX_AGE_SECONDS: number;
  REFRESH_GRACE_SECONDS: number;
  REVOCATION_CACHE_TTL_MS: number;
  REVOCATION_CACHE_MAX_ENTRIES: number;
  PURGE_INTERVAL_SECONDS: number;
  COOKIE_MODE: boolean;
  COOKIE_SECURE: boolean;
  COOKIE_DOMAIN?: string;
  CORS_ORIGINS: string[];
  TRUST_PROXY: boolean;
  TRUST_PROXY_HOPS: number;
  RATE_LIMIT_WINDOW_SECONDS: number;
  RATE_LIMIT_SIGNUP_PER_IP: number;
  RATE_LIMIT_LOGIN_PER_IP: number;
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: number;
  RATE_LIMIT_REFRESH_PER_IP: number;
  RATE_LIMIT_PASSWORD_PER_IP: number;
  RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: number;
  METRICS_ENABLED?: boolean;
  METRICS_PORT?: number;
  METRICS_HOST: string;
}

/** Splits a validated mysql:// URL into the parts error messages and `CREATE DATABASE` need. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    database: url.pathname.slice(1),
  };
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
  const databaseUrl = raw.NODE_ENV === 'test' ? raw.TEST_DATABASE_URL : raw.DATABASE_URL;
  return Object.freeze({
    env: raw.NODE_ENV,
    host: raw.HOST,
    port: raw.PORT,
    databaseUrl,
    database: parseDatabaseUrl(databaseUrl),
    databasePool: Object.freeze({
      maxConnections: raw.DB_POOL_MAX,
      connectTimeoutMs: raw.DB_CONNECT_TIMEOUT_MS,
      acquireTimeoutMs: raw.DB_ACQUIRE_TIMEOUT_MS,
      queryTimeoutMs: raw.DB_QUERY_TIMEOUT_MS,
    }),
    jwt: Object.freeze({
      secret: raw.JWT_SECRET ?? null,
      algorithm: raw.JWT_ALGORITHM,
      expiresInSeconds: raw.JWT_EXPIRES_IN_SECONDS,
      issuer: raw.JWT_ISSUER ?? null,
      audience: raw.JWT_AUDIENCE ?? null,
      clockToleranceSeconds: raw.JWT_CLOCK_TOLERANCE_SECONDS,
    }),
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
    bcryptRounds: raw.BCRYPT_ROUNDS,
    logLevel: raw.LOG_LEVEL,
    cookies: Object.freeze({ enabled: raw.COOKIE_MODE, secure: raw.COOKIE_SECURE, domain: raw.COOKIE_DOMAIN ?? null }),
    cors: Object.freeze({ origins: Object.freeze(raw.CORS_ORIGINS) }),
    proxy: Object.freeze({ trusted: raw.TRUST_PROXY, hops: raw.TRUST_PROXY_HOPS }),
    rateLimits: Object.freeze({
      windowSeconds: raw.RATE_LIMIT_WINDOW_SECONDS,
      signupPerIp: raw.RATE_LIMIT_SIGNUP_PER_IP,
      loginPerIp: raw.RATE_LIMIT_LOGIN_PER_IP,
      loginFailuresPerAccount: raw.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
      refreshPerIp: raw.RATE_LIMIT_REFRESH_PER_IP,
      passwordPerIp: raw.RATE_LIMIT_PASSWORD_PER_IP,
      passwordFailuresPerAccount: raw.RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT,
    }),
    metrics: Object.freeze({
      // Unset in production without METRICS_PORT: off, so the public port never serves /metrics by default.
      enabled: raw.METRICS_ENABLED ?? !(raw.NODE_ENV === 'production' && raw.METRICS_PORT === undefined),
      port: raw.METRICS_PORT ?? null,
      host: raw.METRICS_HOST,
    }),
  });
}
