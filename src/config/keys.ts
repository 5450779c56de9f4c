import Joi from 'joi';
import { optional, secret, withDefault, type ValuesOf } from './declare';
import { ASYMMETRIC_ALGORITHMS } from './tokens';

/** A service allowed to call POST /auth/introspect and POST /auth/revoke (HTTP Basic). */
export interface IntrospectionClient {
  id: string;
  secret: string;
}

export interface KeySettings {
  keys: {
    /** The 32-byte AES-256-GCM key the private keys in signing_keys are encrypted under; null when not set. */
    encryptionKey: Buffer | null;
    /** A PEM private key to sign with instead of the signing_keys table; null: the table. */
    privateKeyFile: string | null;
    refreshSeconds: number;
  };
  introspectionClients: readonly IntrospectionClient[];
}

const ENCRYPTION_KEY_BYTES = 32;
const MIN_CLIENT_SECRET_BYTES = 32;
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,64}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** The 32 bytes of a key written as 64 hex digits or as base64 (either alphabet), or null. */
function decodeEncryptionKey(value: string): Buffer | null {
  if (HEX_KEY.test(value)) return Buffer.from(value, 'hex');
  if (!BASE64_KEY.test(value)) return null;
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === ENCRYPTION_KEY_BYTES ? bytes : null;
}

/** `id:secret` pairs separated by commas; the secret may itself contain colons. */
function parseClients(value: string): IntrospectionClient[] {
  return value.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    return colon < 0
      ? { id: entry.trim(), secret: '' }
      : { id: entry.slice(0, colon).trim(), secret: entry.slice(colon + 1) };
  });
}

const encryptionKey = Joi.string()
  .custom((value: string, helpers) => (decodeEncryptionKey(value) === null ? helpers.error('key.size') : value))
  .messages({ 'key.size': `{{#label}} must be ${ENCRYPTION_KEY_BYTES} bytes as 64 hex digits or base64` });

const clients = Joi.string()
  .custom((value: string, helpers) => {
    const parsed = parseClients(value);
    if (parsed.some(({ id }) => !CLIENT_ID.test(id))) return helpers.error('clients.format');
    // A short secret is guessable offline from one captured request: as for JWT_SECRET, 32 bytes at least.
    if (parsed.some(({ secret: clientSecret }) => Buffer.byteLength(clientSecret, 'utf8') < MIN_CLIENT_SECRET_BYTES)) {
      return helpers.error('clients.short');
    }
    if (new Set(parsed.map(({ id }) => id)).size !== parsed.length) return helpers.error('clients.duplicate');
    return value;
  })
  .messages({
    'clients.format': '{{#label}} must be id:secret pairs separated by commas (ids of letters, digits, . _ ~ -)',
    'clients.short': `{{#label}}: each secret must be at least ${MIN_CLIENT_SECRET_BYTES} bytes`,
    'clients.duplicate': '{{#label}} names a client twice',
  });

/** Asymmetric signing keys (RS256/ES256), their rotation, and the services that introspect tokens. */
export const KEY_KEYS = {
  KEY_ENCRYPTION_KEY: secret(
    encryptionKey
      .when('JWT_ALGORITHM', {
        is: Joi.valid(...ASYMMETRIC_ALGORITHMS),
        then: Joi.when('JWT_PRIVATE_KEY_FILE', { not: Joi.exist(), then: Joi.required() }),
      })
      .description(
        'AES-256-GCM key the private keys in the signing_keys table are encrypted under: 32 random bytes as ' +
          '64 hex digits or base64 (`openssl rand -base64 32`). Required with RS256/ES256 unless JWT_PRIVATE_KEY_FILE is set.',
      ),
  ),
  JWT_PRIVATE_KEY_FILE: optional(
    Joi.string()
      .max(4096)
      .description(
        'Path of a PEM private key (RSA of 2048 bits or more for RS256, P-256 for ES256) to sign with instead of ' +
          'the signing_keys table; rotating it is then up to you (see docs/reference/keys.md).',
      ),
  ),
  KEYS_REFRESH_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(1)
      .max(3600)
      .unit('seconds')
      .description(
        'How often a running server re-reads the signing_keys table: a key added by `--rotate-keys` signs ' +
          'within this time; also the max-age of /.well-known/jwks.json.',
      ),
    60,
  ),
  INTROSPECTION_CLIENTS: secret(
    clients.description(
      `Services allowed to call POST /auth/introspect and POST /auth/revoke with HTTP Basic: id:secret pairs ` +
        `separated by commas, each secret at least ${MIN_CLIENT_SECRET_BYTES} bytes; unset: those routes answer 401.`,
    ),
  ),
};

export function keySettings(raw: ValuesOf<typeof KEY_KEYS>): Readonly<KeySettings> {
  const encryption = raw.KEY_ENCRYPTION_KEY === undefined ? null : decodeEncryptionKey(raw.KEY_ENCRYPTION_KEY);
  return {
    keys: Object.freeze({
      encryptionKey: encryption,
      privateKeyFile: raw.JWT_PRIVATE_KEY_FILE ?? null,
      refreshSeconds: raw.KEYS_REFRESH_SECONDS,
    }),
    introspectionClients: Object.freeze(
      raw.INTROSPECTION_CLIENTS === undefined ? [] : parseClients(raw.INTROSPECTION_CLIENTS),
    ),
  };
}
