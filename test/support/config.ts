import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';

/** One secret for the whole run, so tokens signed by helpers verify in every app instance. */
export const TEST_SECRET = randomBytes(48).toString('base64url');

/** The introspection client every test app knows (INTROSPECTION_CLIENTS). */
export const TEST_CLIENT = { id: 'resource-server', secret: randomBytes(32).toString('base64url') };

/** `Authorization: Basic …` of a client id and secret. */
export const basicAuth = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/**
 * Limits no suite reaches: the tests log in hundreds of times from 127.0.0.1, and their counters
 * share one table for the whole run. The rate-limit tests set low limits of their own.
 */
export const UNREACHED_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_SIGNUP_PER_IP: '1000000000',
  RATE_LIMIT_LOGIN_PER_IP: '1000000000',
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '1000000000',
  RATE_LIMIT_REFRESH_PER_IP: '1000000000',
  RATE_LIMIT_PASSWORD_PER_IP: '1000000000',
  RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: '1000000000',
  RATE_LIMIT_ADAPTER_SECRET_FAILURES_PER_IP: '1000000000',
  RATE_LIMIT_OIDC_LOGIN_PER_IP: '1000000000',
  RATE_LIMIT_OIDC_EXCHANGE_PER_IP: '1000000000',
  RATE_LIMIT_MAIL_PER_IP: '1000000000',
  RATE_LIMIT_MAIL_PER_ACCOUNT: '1000000000',
  RATE_LIMIT_EMAIL_TOKEN_PER_IP: '1000000000',
};

/** The Auth.js adapter secret of every test app: /adapter is on in tests (`AUTHJS_ADAPTER_SECRET: ''` turns it off). */
export const ADAPTER_SECRET = randomBytes(32).toString('base64url');

/** The test configuration: the test database, a random secret, cheap bcrypt, silent logs, no limits reached. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    INTROSPECTION_CLIENTS: `${TEST_CLIENT.id}:${TEST_CLIENT.secret}`,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    ...UNREACHED_RATE_LIMITS,
    AUTHJS_ADAPTER_SECRET: ADAPTER_SECRET,
    ...overrides,
  });
}

export const silentLogger = pino({ level: 'silent' });
