import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { AsymmetricAlgorithm } from '../../src/config';
import { createDatabase } from '../../src/repositories';
import { createApp } from '../../src/server';
import { addSigningKey } from '../../src/services/key-rotation';
import { silentLogger, testConfig } from './config';
import { testSequelize } from './database';

/** One key-encryption key for the run: every asymmetric test app decrypts what another stored. */
export const TEST_KEY_ENCRYPTION_KEY = randomBytes(32);
export const TEST_ISSUER = 'https://auth.test.example';

/** The configuration of an app signing with `algorithm` from the signing_keys table. */
export function asymmetricOverrides(algorithm: AsymmetricAlgorithm, extra: Record<string, string> = {}) {
  return {
    JWT_ALGORITHM: algorithm,
    JWT_ISSUER: TEST_ISSUER,
    KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY.toString('base64'),
    ...extra,
  };
}

/** A supertest agent over one app (one key store) signing with `algorithm`. */
export function asymmetricApi(algorithm: AsymmetricAlgorithm, extra: Record<string, string> = {}) {
  const config = testConfig(asymmetricOverrides(algorithm, extra));
  return request(createApp({ config, logger: silentLogger }).callback());
}

/** Adds a fresh key of `algorithm` to the test database, active now; returns its kid. */
export function addTestKey(algorithm: AsymmetricAlgorithm): Promise<string> {
  return addSigningKey(createDatabase(testSequelize()).signingKeys, algorithm, TEST_KEY_ENCRYPTION_KEY);
}
