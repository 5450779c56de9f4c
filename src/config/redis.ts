import Joi from 'joi';
import { ConfigError, optional, secret, withDefault, type ValuesOf } from './declare';
import { clientCertificate, pemCertificates, pemPrivateKey, type ClientCertificate } from './files';

export interface RedisSettings {
  /** null: no Redis, everything on MySQL (limits) and the TTL-bounded cache (revocations). */
  redis: {
    url: string;
    /** Prepended to every key and channel, so several deployments (or tests) can share one Redis. */
    keyPrefix: string;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    /** With a rediss:// URL: PEM certificates of the CAs to trust instead of the system's; null: the system's. */
    tlsCa: string | null;
    /** With a rediss:// URL: a certificate and key to show a Redis that asks for one (tls-auth-clients). */
    tlsClient: ClientCertificate | null;
  } | null;
}

/** A bound on one wait for Redis, in milliseconds: at least 50, so it can never turn the bound off. */
const waitMs = (maximum: number): Joi.NumberSchema => Joi.number().integer().min(50).max(maximum).unit('milliseconds');

/** Redis, optional: shared rate-limit counters and instant revocation fan-out between instances. */
export const REDIS_KEYS = {
  // A secret: the URL may carry the Redis password.
  REDIS_URL: secret(
    Joi.string()
      .uri({ scheme: ['redis', 'rediss'] })
      .description(
        'Redis for rate limits and revocation fan-out (redis[s]://[user:password@]host[:port][/db]); ' +
          'unset: limits in MySQL, revocations seen elsewhere within REVOCATION_CACHE_TTL_MS.',
      ),
  ),
  REDIS_TLS_CA: optional(
    pemCertificates.description(
      "Path of a PEM file of the CA certificates Redis's certificate must chain to, instead of the system's; " +
        'only with a rediss:// REDIS_URL, whose host the certificate must name.',
    ),
  ),
  REDIS_TLS_CERT: optional(
    pemCertificates.description(
      'Path of a PEM client certificate to show a Redis that requires one (tls-auth-clients yes); with ' +
        'REDIS_TLS_KEY, only with a rediss:// REDIS_URL.',
    ),
  ),
  REDIS_TLS_KEY: optional(pemPrivateKey.description('Path of the PEM private key of REDIS_TLS_CERT.')),
  REDIS_KEY_PREFIX: withDefault(
    Joi.string()
      .pattern(/^[A-Za-z0-9:_.-]{1,64}$/)
      .description('Prefix of every Redis key and channel this server uses; instances of one deployment share it.'),
    'auth:',
  ),
  REDIS_CONNECT_TIMEOUT_MS: withDefault(
    waitMs(60_000).description('Longest wait to open a Redis connection; the server retries by itself meanwhile.'),
    1000,
  ),
  REDIS_COMMAND_TIMEOUT_MS: withDefault(
    waitMs(60_000).description(
      'Longest wait for one Redis command before the in-memory limiter takes over (never a 5xx).',
    ),
    250,
  ),
};

export function redisSettings(raw: ValuesOf<typeof REDIS_KEYS>): Readonly<RedisSettings> {
  const url = raw.REDIS_URL;
  // A TLS file would otherwise be ignored without a word, and the connection left in plain TCP.
  for (const [name, file] of Object.entries({
    REDIS_TLS_CA: raw.REDIS_TLS_CA,
    REDIS_TLS_CERT: raw.REDIS_TLS_CERT,
    REDIS_TLS_KEY: raw.REDIS_TLS_KEY,
  })) {
    if (file !== undefined && !/^rediss:/i.test(url ?? '')) {
      throw new ConfigError(`invalid configuration: ${name} needs a rediss:// REDIS_URL (TLS)`);
    }
  }
  const tlsClient = clientCertificate(
    { name: 'REDIS_TLS_CERT', pem: raw.REDIS_TLS_CERT },
    { name: 'REDIS_TLS_KEY', pem: raw.REDIS_TLS_KEY },
  );
  if (url === undefined) return { redis: null };
  return {
    redis: Object.freeze({
      url,
      keyPrefix: raw.REDIS_KEY_PREFIX,
      connectTimeoutMs: raw.REDIS_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: raw.REDIS_COMMAND_TIMEOUT_MS,
      tlsCa: raw.REDIS_TLS_CA ?? null,
      tlsClient,
    }),
  };
}
