import type { RevocationReason } from '../../src/models';
import { createAccountService } from '../../src/services/account.service';
import { createAuthService } from '../../src/services/auth.service';
import { createOutbox } from '../../src/services/outbox.service';
import { createPasswordHasher } from '../../src/services/password.service';
import { createRevocationCache, databaseRevocationSource } from '../../src/services/revocation-cache';
import { applyRevocation, type Revocations } from '../../src/services/revocations';
import { createHmacKeyStore } from '../../src/services/keys.service';
import { createSessionService } from '../../src/services/session.service';
import { createTokenService } from '../../src/services/token.service';
import { testConfig } from './config';
import { createFakeDatabase } from './fake-database';

/**
 * The auth and account services wired as server.ts wires them, over an in-memory database: for
 * unit tests of their rules, where HTTP and MySQL add nothing. `revocations` lists the reasons of
 * what they announced, in order; each announcement is applied to the cache as server.ts's would be.
 */
export function fakeServices(overrides: Record<string, string> = {}) {
  const config = testConfig(overrides);
  const database = createFakeDatabase();
  const revocations: RevocationReason[] = [];
  const passwords = createPasswordHasher(config.bcryptRounds);
  const sessions = createSessionService({ database, settings: config.sessions });
  const cache = createRevocationCache(databaseRevocationSource(database, sessions), {
    ...config.revocationCache,
    accessTokenTtlSeconds: config.jwt.expiresInSeconds,
  });
  const announced: Revocations = {
    announce(revocation) {
      applyRevocation(cache, revocation);
      revocations.push(revocation.reason);
    },
  };
  const tokens = createTokenService(config.jwt, createHmacKeyStore(config.jwt));
  // Webhooks off, as in the default configuration: nothing is queued.
  const outbox = createOutbox(null);
  const auth = createAuthService({ database, tokens, passwords, sessions, cache, revocations: announced, outbox });
  const account = createAccountService({ database, passwords, sessions, revocations: announced });
  return { database, passwords, auth, account, revocations };
}

export const CLIENT = { ip: '203.0.113.7', userAgent: 'unit-test/1.0' };
export const ORIGIN = { requestId: 'unit-test-request', ip: '203.0.113.7' };
export const PASSWORD = 'correct horse battery';
