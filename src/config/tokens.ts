import Joi from 'joi';
import { optional, secret, withDefault, type ValuesOf } from './declare';

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
/** The algorithms signed with a private key other services verify through the JWKS. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export function isAsymmetric(algorithm: JwtAlgorithm): algorithm is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(algorithm);
}

export interface TokenSettings {
  jwt: {
    /** null when not configured: the server refuses to start, `--create` may generate one. */
    secret: string | null;
    algorithm: JwtAlgorithm;
    expiresInSeconds: number;
    issuer: string | null;
    audience: string | null;
    clockToleranceSeconds: number;
  };
  bcryptRounds: number;
}

const MIN_SECRET_BYTES = 32;

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

/** Access tokens (RFC 8725 pins one HMAC algorithm) and the bcrypt cost of password hashes. */
export const TOKEN_KEYS = {
  JWT_SECRET: secret(
    jwtSecret
      .when('JWT_ALGORITHM', {
        is: Joi.valid(...ASYMMETRIC_ALGORITHMS),
        otherwise: Joi.when('NODE_ENV', { is: 'production', then: Joi.required() }),
      })
      .description(
        `HMAC key for access tokens: at least ${MIN_SECRET_BYTES} bytes, not a repetition of a few characters. ` +
          'Required in production with an HS algorithm, from your secret store; `node app --create` generates ' +
          'one into .env in development. Not used with RS256 or ES256.',
      ),
  ),
  JWT_ALGORITHM: withDefault(
    Joi.string<JwtAlgorithm>()
      .valid(...JWT_ALGORITHMS)
      .description(
        'The algorithm tokens are signed with. HS*: one shared secret, only this server verifies. ' +
          'RS256/ES256: keys in the signing_keys table (or JWT_PRIVATE_KEY_FILE), public keys at ' +
          '/.well-known/jwks.json for other services. A token is verified only with the algorithm of the key its `kid` names.',
      ),
    'HS256',
  ),
  JWT_EXPIRES_IN_SECONDS: withDefault(
    Joi.number().integer().min(30).max(86_400).unit('seconds').description('Access-token lifetime.'),
    900,
  ),
  JWT_ISSUER: optional(
    Joi.string()
      .max(255)
      // Services that verify our tokens themselves must be able to tell them from anyone else's.
      .when('JWT_ALGORITHM', { is: Joi.valid(...ASYMMETRIC_ALGORITHMS), then: Joi.required() })
      .description(
        '`iss` claim to issue and require, and the `issuer` of /.well-known/openid-configuration (an https URL ' +
          'there); required with RS256/ES256; unset: none.',
      ),
  ),
  JWT_AUDIENCE: optional(Joi.string().max(255).description('`aud` claim to issue and require; unset: none.')),
  JWT_CLOCK_TOLERANCE_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(0)
      .max(300)
      .unit('seconds')
      .description('Leeway for exp/nbf checks between servers whose clocks drift.'),
    0,
  ),
  BCRYPT_ROUNDS: withDefault(
    Joi.number()
      .integer()
      .max(15)
      // Below 10 rounds a stolen hash table falls to a GPU in hours; 4 is for tests only.
      .when('NODE_ENV', { is: 'test', then: Joi.number().min(4), otherwise: Joi.number().min(10) })
      .unit('log2 iterations')
      .description(
        'bcrypt cost of password hashes. Keep 12 or more in production; raising it later upgrades each hash at that user’s next login.',
      ),
    12,
  ),
};

export function tokenSettings(raw: ValuesOf<typeof TOKEN_KEYS>): Readonly<TokenSettings> {
  return {
    jwt: Object.freeze({
      secret: raw.JWT_SECRET ?? null,
      algorithm: raw.JWT_ALGORITHM,
      expiresInSeconds: raw.JWT_EXPIRES_IN_SECONDS,
      issuer: raw.JWT_ISSUER ?? null,
      audience: raw.JWT_AUDIENCE ?? null,
      clockToleranceSeconds: raw.JWT_CLOCK_TOLERANCE_SECONDS,
    }),
    bcryptRounds: raw.BCRYPT_ROUNDS,
  };
}
