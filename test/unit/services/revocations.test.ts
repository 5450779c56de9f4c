import { expect } from 'chai';
import { createRevocationCache, type RevocationSource } from '../../../src/services/revocation-cache';
import {
  applyRevocation,
  createRevocations,
  decodeRevocation,
  encodeRevocation,
  type Revocation,
} from '../../../src/services/revocations';
import { silentLogger } from '../../support/config';

const USER = {
  user: {
    id: 7,
    email: 'a@example.com',
    name: 'A',
    role: 'user' as const,
    email_verified: false,
    registered_on: '2026-01-01T00:00:00.000Z',
  },
  tokenVersion: 0,
  disabled: false,
};

/** A source that says everything is valid: whatever the cache refuses, a revocation told it. */
const allValid: RevocationSource = {
  isTokenBlocked: () => Promise.resolve(false),
  isSessionLive: () => Promise.resolve(true),
  findAuthUser: () => Promise.resolve(USER),
};

const newCache = () => createRevocationCache(allValid, { ttlMs: 60_000, maxEntries: 1000, accessTokenTtlSeconds: 900 });

const LOGOUT: Revocation = {
  reason: 'logout',
  userId: 7,
  blockedTokens: [{ jti: 'j1', expiresAt: new Date(Date.now() + 60_000) }],
  endedSessionIds: ['s1'],
  tokenVersion: 3,
};

describe('revocation messages', () => {
  it('decode what encode wrote, dates included', () => {
    const decoded = decodeRevocation(encodeRevocation(LOGOUT, 'origin-a', 1234));
    expect(decoded).to.deep.equal({
      origin: 'origin-a',
      publishedAt: 1234,
      revocation: {
        userId: 7,
        blockedTokens: LOGOUT.blockedTokens,
        endedSessionIds: ['s1'],
        tokenVersion: 3,
      },
    });
  });

  it('leaves the token version out when the revocation has none', () => {
    const decoded = decodeRevocation(encodeRevocation({ reason: 'logout_others', userId: 7 }, 'o', 1));
    expect(decoded?.revocation).to.deep.equal({ userId: 7, blockedTokens: [], endedSessionIds: [] });
  });

  for (const [name, text] of [
    ['not JSON', '{'],
    ['JSON but no object', '"x"'],
    ['a user id that is no number', encodeRevocation(LOGOUT, 'o', 1).replace('"userId":7', '"userId":"7"')],
    ['no origin', JSON.stringify({ publishedAt: 1, reason: 'x', userId: 1, blockedTokens: [], endedSessionIds: [] })],
  ] as const) {
    it(`decodes ${name} as null`, () => {
      expect(decodeRevocation(text)).to.equal(null);
    });
  }

  it('accepts a reason this version does not know (a newer instance may send one)', () => {
    const text = encodeRevocation(LOGOUT, 'o', 1).replace('"reason":"logout"', '"reason":"user_disabled"');
    expect(decodeRevocation(text)?.revocation.userId).to.equal(7);
  });
});

describe('applyRevocation', () => {
  it('blocks the tokens, ends the sessions and raises the version floor, and applying twice changes nothing', async () => {
    const cache = newCache();
    expect(await cache.isTokenBlocked('j1')).to.equal(false);
    expect(await cache.isSessionLive(7, 's1')).to.equal(true);
    applyRevocation(cache, LOGOUT);
    applyRevocation(cache, LOGOUT);
    expect(await cache.isTokenBlocked('j1')).to.equal(true);
    expect(await cache.isSessionLive(7, 's1')).to.equal(false);
    expect(await cache.isSessionLive(8, 's1')).to.equal(true);
    expect(cache.tokenVersionFloor(7)).to.equal(3);
  });
});

describe('createRevocations without Redis', () => {
  it('applies an announced revocation to the local cache at once', async () => {
    const cache = newCache();
    createRevocations({ cache, metrics: null, redis: null, logger: silentLogger }).announce(LOGOUT);
    expect(await cache.isTokenBlocked('j1')).to.equal(true);
    expect(cache.tokenVersionFloor(7)).to.equal(3);
  });
});
