import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRevocationCache, type AuthUser, type RevocationSource } from '../../../src/services/revocation-cache';

const USER: AuthUser = {
  user: {
    id: 1,
    email: 'a@example.com',
    name: 'A',
    role: 'user',
    email_verified: false,
    registered_on: '2026-01-01T00:00:00.000Z',
  },
  tokenVersion: 0,
  disabled: false,
};

/** A source whose answers the test sets, counting how often it is asked. */
function fakeSource() {
  const state = { blocked: false, live: true, user: USER as AuthUser | null, calls: 0 };
  const source: RevocationSource = {
    isTokenBlocked: () => {
      state.calls += 1;
      return Promise.resolve(state.blocked);
    },
    isSessionLive: () => {
      state.calls += 1;
      return Promise.resolve(state.live);
    },
    findAuthUser: () => {
      state.calls += 1;
      return Promise.resolve(state.user);
    },
  };
  return { state, source };
}

const settings = (ttlMs: number) => ({ ttlMs, maxEntries: 1000, accessTokenTtlSeconds: 900 });

describe('revocation cache', () => {
  it('answers repeated checks from memory within the bound', async () => {
    const { state, source } = fakeSource();
    const cache = createRevocationCache(source, settings(1000));
    for (let i = 0; i < 5; i += 1) {
      expect(await cache.isTokenBlocked('j')).to.equal(false);
      expect(await cache.isSessionLive(1, 's')).to.equal(true);
      expect(await cache.findAuthUser(1)).to.equal(USER);
    }
    expect(state.calls).to.equal(3);
  });

  it('sends one query for many concurrent misses of one key', async () => {
    const { state, source } = fakeSource();
    const cache = createRevocationCache(source, settings(1000));
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.isTokenBlocked('j')));
    await Promise.all(Array.from({ length: 20 }, () => cache.findAuthUser(1)));
    expect(answers.every((answer) => !answer)).to.equal(true);
    expect(state.calls).to.equal(2);
  });

  it('keeps jti and session keys apart even when the strings are equal', async () => {
    const { state, source } = fakeSource();
    state.live = false;
    const cache = createRevocationCache(source, settings(1000));
    const [blocked, live] = await Promise.all([cache.isTokenBlocked('same'), cache.isSessionLive(1, 'same')]);
    expect(blocked).to.equal(false);
    expect(live).to.equal(false);
  });

  it("keeps a session's answer to its own user: another user with the same sid asks the source", async () => {
    const asked: string[] = [];
    const source: RevocationSource = {
      ...fakeSource().source,
      isSessionLive: (userId, sessionId) => {
        asked.push(`${userId}/${sessionId}`);
        return Promise.resolve(userId === 1);
      },
    };
    const cache = createRevocationCache(source, settings(60_000));
    expect(await cache.isSessionLive(1, 's')).to.equal(true);
    expect(await cache.isSessionLive(2, 's')).to.equal(false);
    cache.markSessionsEnded(2, ['s']);
    expect(await cache.isSessionLive(1, 's')).to.equal(true);
    expect(asked).to.deep.equal(['1/s', '2/s']);
  });

  it('sees a revocation made elsewhere once the bound has passed', async () => {
    const { state, source } = fakeSource();
    const cache = createRevocationCache(source, settings(50));
    expect(await cache.isTokenBlocked('j')).to.equal(false);
    state.blocked = true;
    state.live = false;
    expect(await cache.isTokenBlocked('j')).to.equal(false);
    await sleep(80);
    expect(await cache.isTokenBlocked('j')).to.equal(true);
    expect(await cache.isSessionLive(1, 's')).to.equal(false);
  });

  it('keeps a revocation after the bound: revoked never turns valid again', async () => {
    const { state, source } = fakeSource();
    state.blocked = true;
    const cache = createRevocationCache(source, settings(20));
    expect(await cache.isTokenBlocked('j')).to.equal(true);
    state.blocked = false;
    await sleep(50);
    expect(await cache.isTokenBlocked('j')).to.equal(true);
  });

  it('applies write-through revocations on the very next check', async () => {
    const { source } = fakeSource();
    const cache = createRevocationCache(source, settings(60_000));
    expect(await cache.isTokenBlocked('j')).to.equal(false);
    expect(await cache.isSessionLive(1, 's')).to.equal(true);
    cache.markTokenBlocked('j', new Date(Date.now() + 60_000));
    cache.markSessionsEnded(1, ['s']);
    expect(await cache.isTokenBlocked('j')).to.equal(true);
    expect(await cache.isSessionLive(1, 's')).to.equal(false);
  });

  it('does not let a load that started before a revocation overwrite it', async () => {
    let release: (value: boolean) => void = () => undefined;
    const slow: RevocationSource = {
      ...fakeSource().source,
      isTokenBlocked: () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    };
    const cache = createRevocationCache(slow, settings(60_000));
    const inFlight = cache.isTokenBlocked('j');
    cache.markTokenBlocked('j', new Date(Date.now() + 60_000));
    release(false);
    expect(await inFlight).to.equal(true);
    expect(await cache.isTokenBlocked('j')).to.equal(true);
  });

  it('raises the token-version floor and forgets the cached user on markTokenVersion', async () => {
    const { state, source } = fakeSource();
    const cache = createRevocationCache(source, settings(60_000));
    await cache.findAuthUser(1);
    cache.markTokenVersion(1, 3);
    cache.markTokenVersion(1, 2);
    expect(cache.tokenVersionFloor(1)).to.equal(3);
    expect(cache.tokenVersionFloor(2)).to.equal(0);
    await cache.findAuthUser(1);
    expect(state.calls).to.equal(2);
  });

  it('does not cache a missing user', async () => {
    const { state, source } = fakeSource();
    state.user = null;
    const cache = createRevocationCache(source, settings(60_000));
    expect(await cache.findAuthUser(1)).to.equal(null);
    expect(await cache.findAuthUser(1)).to.equal(null);
    expect(state.calls).to.equal(2);
  });

  it('asks the source every time when the bound is 0', async () => {
    const { state, source } = fakeSource();
    const cache = createRevocationCache(source, settings(0));
    cache.markTokenBlocked('j', new Date(Date.now() + 60_000));
    cache.markSessionsEnded(1, ['s']);
    cache.markTokenVersion(1, 5);
    for (let i = 0; i < 3; i += 1) {
      expect(await cache.isTokenBlocked('j')).to.equal(false);
      expect(await cache.isSessionLive(1, 's')).to.equal(true);
      await cache.findAuthUser(1);
    }
    expect(state.calls).to.equal(9);
    expect(cache.tokenVersionFloor(1)).to.equal(0);
  });
});
