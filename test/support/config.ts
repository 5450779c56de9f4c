import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';

/** One secret for the whole run, so tokens signed by helpers verify in every app instance. */
export const TEST_SECRET = randomBytes(48).toString('base64url');

/** The test configuration: the test database, a random secret, cheap bcrypt, silent logs. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export const silentLogger = pino({ level: 'silent' });
